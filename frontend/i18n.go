package frontend

import (
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"time"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"github.com/pelletier/go-toml/v2"
	"golang.org/x/text/language"
)

const (
	// langCookie remembers the chosen language. It holds only "de" or "en".
	langCookie = "kohorte_lang"
	// defaultLang is used without a cookie: Kohorte's users are German
	// course offices, so German wins over the browser's Accept-Language.
	defaultLang = "de"
	langMaxAge  = 365 * 24 * time.Hour
)

// lang is a language the UI speaks. Name is written in the language itself,
// so that a reader finds their language whatever the page is in.
type lang struct {
	Code string
	Name string
	Tag  language.Tag
}

// supportedLangs lists the UI's languages, the default first. Each needs a
// catalogue locales/active.<code>.toml.
func supportedLangs() []lang {
	return []lang{
		{Code: "de", Name: "Deutsch", Tag: language.German},
		{Code: "en", Name: "English", Tag: language.English},
	}
}

func otherLangs(all []lang, code string) []lang {
	others := make([]lang, 0, len(all)-1)
	for _, l := range all {
		if l.Code != code {
			others = append(others, l)
		}
	}
	return others
}

func (ui *UI) supports(code string) bool {
	for _, l := range ui.langs {
		if l.Code == code {
			return true
		}
	}
	return false
}

// langOf returns the language of the request: the cookie's if it names one
// the UI speaks, else the default.
func (ui *UI) langOf(r *http.Request) string {
	if c, err := r.Cookie(langCookie); err == nil && ui.supports(c.Value) {
		return c.Value
	}
	return defaultLang
}

// langCookieFor makes the cookie that remembers code. It is HttpOnly because
// no script needs it, and Lax so that it still applies when a link from an
// e-mail opens Kohorte.
func langCookieFor(code string, secure bool) *http.Cookie {
	return &http.Cookie{
		Name:     langCookie,
		Value:    code,
		Path:     "/",
		MaxAge:   int(langMaxAge.Seconds()),
		HttpOnly: true,
		Secure:   secure,
		SameSite: http.SameSiteLaxMode,
	}
}

// loadBundle reads the catalogue of every language.
func loadBundle(fsys fs.FS, langs []lang) (*i18n.Bundle, error) {
	bundle := i18n.NewBundle(langs[0].Tag)
	bundle.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	for _, l := range langs {
		name := catalogueFile(l.Code)
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("read catalogue: %w", err)
		}
		if _, err := bundle.ParseMessageFileBytes(data, name); err != nil {
			return nil, fmt.Errorf("parse catalogue %s: %w", name, err)
		}
	}
	return bundle, nil
}

func catalogueFile(code string) string {
	return "locales/active." + code + ".toml"
}

// localizePages binds the language-dependent template functions of every
// page to each language. Functions are looked up when a template runs, so a
// clone with its own functions renders the same parsed tree in another
// language.
func (ui *UI) localizePages(pages map[string]*template.Template, bundle *i18n.Bundle) (map[string]map[string]*template.Template, error) {
	out := make(map[string]map[string]*template.Template, len(ui.langs))
	ui.locs = make(map[string]*i18n.Localizer, len(ui.langs))
	for _, l := range ui.langs {
		ui.locs[l.Code] = i18n.NewLocalizer(bundle, l.Code)
		funcs := ui.langFuncs(ui.locs[l.Code], l.Code)
		out[l.Code] = make(map[string]*template.Template, len(pages))
		for name, page := range pages {
			clone, err := page.Clone()
			if err != nil {
				return nil, err
			}
			out[l.Code][name] = clone.Funcs(funcs)
		}
	}
	return out, nil
}

// translator returns the template function t: {{t "ID"}} or, for a message
// with placeholders, {{t "ID" "Name" value ...}}. A placeholder named Count
// also picks the plural form. A missing message is an error rather than a
// silent fallback, so that the page tests catch it.
func translator(loc *i18n.Localizer) func(id string, args ...any) (string, error) {
	return func(id string, args ...any) (string, error) {
		data, err := templateData(args)
		if err != nil {
			return "", fmt.Errorf("message %s: %w", id, err)
		}
		return loc.Localize(&i18n.LocalizeConfig{MessageID: id, TemplateData: data, PluralCount: data["Count"]})
	}
}

func templateData(args []any) (map[string]any, error) {
	if len(args)%2 != 0 {
		return nil, errors.New("arguments must be name-value pairs")
	}
	data := make(map[string]any, len(args)/2)
	for i := 0; i < len(args); i += 2 {
		name, ok := args[i].(string)
		if !ok {
			return nil, fmt.Errorf("argument name %v is not a string", args[i])
		}
		data[name] = args[i+1]
	}
	return data, nil
}

// errUnbound is what the language-dependent functions answer while the
// templates are parsed; localizePages replaces them before any page is
// rendered.
var errUnbound = errors.New("template not bound to a language")
