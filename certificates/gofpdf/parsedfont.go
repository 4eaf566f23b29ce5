package gofpdf

// Not part of gofpdf v1.16.2: see PATCHES.md. AddUTF8FontFromBytes parses
// the whole font, hashes its 65,536 widths and, at Output, parses it again
// for every document; a font parsed once here is shared by all documents.

import (
	"errors"
	"fmt"
	"sync"
)

// UTF8Font is a UTF-8 TrueType font parsed once by ParseUTF8Font, to be
// added to any number of documents with AddUTF8FontParsed. Nothing writes
// to it after parsing apart from a concurrency-safe memo of font IDs, so
// documents made concurrently may share it.
type UTF8Font struct {
	file   *utf8FontFile // prepared for GenerateCutFont; never cut itself
	desc   FontDescType
	up, ut int
	cw     []int    // widths by rune, shared read-only by documents
	ids    sync.Map // font key -> generateFontID of its definition
}

// ParseUTF8Font parses the TrueType font utf8Bytes for AddUTF8FontParsed.
// The font keeps utf8Bytes and reads them when documents are output:
// they must not be changed afterwards.
func ParseUTF8Font(utf8Bytes []byte) (font *UTF8Font, err error) {
	// The parser indexes the bytes as the font's tables say and would
	// panic on a truncated file; report that as an error instead.
	defer func() {
		if r := recover(); r != nil {
			font, err = nil, fmt.Errorf("parse UTF-8 font: %v", r)
		}
	}()
	file := newUTF8Font(&fileReader{readerPosition: 0, array: utf8Bytes})
	if err := file.parseFile(); err != nil {
		return nil, fmt.Errorf("parse UTF-8 font: %w", err)
	}
	// As addFontFromBytes does, before prepareCut replaces CharWidths and
	// DefaultWidth with unscaled ones.
	font = &UTF8Font{
		file: file,
		desc: FontDescType{
			Ascent:       int(file.Ascent),
			Descent:      int(file.Descent),
			CapHeight:    file.CapHeight,
			Flags:        file.Flags,
			FontBBox:     file.Bbox,
			ItalicAngle:  file.ItalicAngle,
			StemV:        file.StemV,
			MissingWidth: round(file.DefaultWidth),
		},
		up: int(round(file.UnderlinePosition)),
		ut: round(file.UnderlineThickness),
		cw: file.CharWidths,
	}
	if !file.prepareCut() {
		return nil, errors.New("parse UTF-8 font: no cmap for Unicode")
	}
	return font, nil
}

// AddUTF8FontParsed adds a font parsed by ParseUTF8Font as
// AddUTF8FontFromBytes adds one from its bytes, with the same effect on
// the document's output.
func (f *Fpdf) AddUTF8FontParsed(familyStr, styleStr string, font *UTF8Font) {
	if f.err != nil {
		return
	}
	if font == nil {
		f.err = errors.New("AddUTF8FontParsed: no font")
		return
	}
	fontkey := getFontKey(fontFamilyEscape(familyStr), styleStr)
	if _, ok := f.fonts[fontkey]; ok {
		return
	}
	var sbarr map[int]int
	if f.aliasNbPagesStr == "" {
		sbarr = makeSubsetRange(57)
	} else {
		sbarr = makeSubsetRange(32)
	}
	def := fontDefType{
		Tp:        "UTF8",
		Name:      fontkey,
		Desc:      font.desc,
		Up:        font.up,
		Ut:        font.ut,
		Cw:        font.cw,
		utf8File:  font.file.forDocument(),
		usedRunes: sbarr,
	}
	// The ID depends on the font and its key only.
	if id, ok := font.ids.Load(fontkey); ok {
		def.i = id.(string)
	} else {
		def.i, _ = generateFontID(def)
		font.ids.Store(fontkey, def.i)
	}
	f.fonts[fontkey] = def
}
