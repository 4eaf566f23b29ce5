package frontend

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
)

// asset is one static file, held in memory: the files are small and
// embedded anyway.
type asset struct {
	body []byte
	// hash identifies the content; it versions the file's URL and is its
	// ETag.
	hash string
}

// loadAssets reads every file under static/ and hashes it.
func loadAssets(fsys fs.FS) (map[string]asset, error) {
	sub, err := fs.Sub(fsys, "static")
	if err != nil {
		return nil, err
	}
	assets := make(map[string]asset)
	err = fs.WalkDir(sub, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := fs.ReadFile(sub, name)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		assets[name] = asset{body: body, hash: hex.EncodeToString(sum[:8])}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load static files: %w", err)
	}
	return assets, nil
}

// assetURL is the template function static: the URL of a static file,
// versioned by its content hash so that browsers may cache it for good and
// still load a new one as soon as it changes. An unknown name is an error,
// so a typo breaks the page tests rather than the page.
func (ui *UI) assetURL(name string) (string, error) {
	a, ok := ui.assets[name]
	if !ok {
		return "", fmt.Errorf("no static file %q", name)
	}
	return "/static/" + name + "?v=" + a.hash, nil
}

// serveStatic answers /static/*file. Only a request for the current version
// may be cached for a year; any other is revalidated through the ETag, so a
// stale link never pins an old file.
func (ui *UI) serveStatic(c *gin.Context) {
	name := strings.TrimPrefix(c.Param("file"), "/")
	a, ok := ui.assets[name]
	if !ok {
		ui.NotFound(c)
		return
	}
	h := c.Writer.Header()
	h.Set("ETag", `"`+a.hash+`"`)
	if c.Query("v") == a.hash {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "no-cache")
	}
	// ServeContent sets the content type from the extension and answers
	// If-None-Match and Range requests.
	http.ServeContent(c.Writer, c.Request, name, time.Time{}, bytes.NewReader(a.body))
}
