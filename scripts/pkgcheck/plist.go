package main

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"

	"dcrwizard/setupfile"
)

// The setup file's type on macOS: an exported type identifier conforming to
// JSON, opened by the app (CFBundleDocumentTypes).
const (
	setupUTI      = "au.dcrwizard.setup"
	setupMIMEType = "application/x-dcrwizard-setup"
	setupTypeName = "DCR Wizard setup file"
)

// documentTypesPlist is what addDocumentTypes puts into fyne's Info.plist,
// which has no place for it (fyne tools 1.7 template).
var documentTypesPlist = `	<key>CFBundleDocumentTypes</key>
	<array>
		<dict>
			<key>CFBundleTypeName</key>
			<string>` + setupTypeName + `</string>
			<key>CFBundleTypeRole</key>
			<string>Viewer</string>
			<key>LSHandlerRank</key>
			<string>Owner</string>
			<key>LSItemContentTypes</key>
			<array>
				<string>` + setupUTI + `</string>
			</array>
		</dict>
	</array>
	<key>UTExportedTypeDeclarations</key>
	<array>
		<dict>
			<key>UTTypeIdentifier</key>
			<string>` + setupUTI + `</string>
			<key>UTTypeDescription</key>
			<string>` + setupTypeName + `</string>
			<key>UTTypeConformsTo</key>
			<array>
				<string>public.json</string>
			</array>
			<key>UTTypeTagSpecification</key>
			<dict>
				<key>public.filename-extension</key>
				<array>
					<string>` + strings.TrimPrefix(setupfile.Extension, ".") + `</string>
				</array>
				<key>public.mime-type</key>
				<array>
					<string>` + setupMIMEType + `</string>
				</array>
			</dict>
		</dict>
	</array>
`

// addDocumentTypes inserts the setup file's document type into the
// Info.plist at name, before the top-level dictionary closes. A plist that
// already declares document types is refused rather than given two.
func addDocumentTypes(name string) error {
	b, err := os.ReadFile(name)
	if err != nil {
		return err
	}
	out, err := withDocumentTypes(b)
	if err != nil {
		return err
	}
	return os.WriteFile(name, out, 0o644)
}

func withDocumentTypes(b []byte) ([]byte, error) {
	if bytes.Contains(b, []byte("<key>CFBundleDocumentTypes</key>")) {
		return nil, errors.New("already declares CFBundleDocumentTypes")
	}
	end := bytes.LastIndex(b, []byte("</dict>"))
	if end < 0 || !bytes.Contains(b[end:], []byte("</plist>")) {
		return nil, errors.New("not an Info.plist ending in </dict></plist>")
	}
	out := append([]byte{}, b[:end]...)
	out = append(out, documentTypesPlist...)
	return append(out, b[end:]...), nil
}

// plistValue is a parsed property list value: map[string]any for <dict>,
// []any for <array>, string for <string>/<integer>/<real>/<date>, bool.
type plistValue = any

// parsePlist reads an XML property list.
func parsePlist(b []byte) (plistValue, error) {
	d := xml.NewDecoder(bytes.NewReader(b))
	d.Strict = true
	for {
		tok, err := d.Token()
		if err != nil {
			return nil, fmt.Errorf("no <plist>: %w", err)
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "plist" {
			v, _, err := plistNext(d)
			return v, err
		}
	}
}

// plistNext reads the next value; end is true at the closing tag of the
// enclosing element instead.
func plistNext(d *xml.Decoder) (v plistValue, end bool, err error) {
	for {
		tok, err := d.Token()
		if err != nil {
			return nil, false, err
		}
		switch t := tok.(type) {
		case xml.EndElement:
			return nil, true, nil
		case xml.StartElement:
			switch t.Name.Local {
			case "dict":
				m := map[string]any{}
				for {
					k, end, err := plistNext(d)
					if err != nil {
						return nil, false, err
					}
					if end {
						return m, false, nil
					}
					key, ok := k.(plistKey)
					if !ok {
						return nil, false, errors.New("a <dict> entry without <key>")
					}
					val, end, err := plistNext(d)
					if err != nil || end {
						return nil, false, fmt.Errorf("key %q has no value", key)
					}
					m[string(key)] = val
				}
			case "array":
				var a []any
				for {
					val, end, err := plistNext(d)
					if err != nil {
						return nil, false, err
					}
					if end {
						return a, false, nil
					}
					a = append(a, val)
				}
			case "true", "false":
				if err := d.Skip(); err != nil {
					return nil, false, err
				}
				return t.Name.Local == "true", false, nil
			case "key", "string", "integer", "real", "date", "data":
				var s string
				if err := d.DecodeElement(&s, &t); err != nil {
					return nil, false, err
				}
				if t.Name.Local == "key" {
					return plistKey(s), false, nil
				}
				return s, false, nil
			default:
				return nil, false, fmt.Errorf("unknown element <%s>", t.Name.Local)
			}
		}
	}
}

type plistKey string

// checkPlistFile checks an app bundle's Info.plist.
func checkPlistFile(name string) (string, []string, error) {
	b, err := os.ReadFile(name)
	if err != nil {
		return "", nil, err
	}
	return checkPlist(b)
}

// checkPlist returns the problems of an Info.plist's setup file declaration:
// a document type the app opens, and the exported type for *.dcrwizard.
func checkPlist(b []byte) (string, []string, error) {
	v, err := parsePlist(b)
	if err != nil {
		return "", nil, fmt.Errorf("not a property list: %w", err)
	}
	top, ok := v.(map[string]any)
	if !ok {
		return "", nil, errors.New("the property list is not a dictionary")
	}
	var p problems
	dicts := func(k string) []map[string]any {
		var out []map[string]any
		a, _ := top[k].([]any)
		for _, e := range a {
			if m, ok := e.(map[string]any); ok {
				out = append(out, m)
			}
		}
		return out
	}
	strs := func(v any) []string {
		var out []string
		a, _ := v.([]any)
		for _, e := range a {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	found := false
	for _, d := range dicts("CFBundleDocumentTypes") {
		if slices.Contains(strs(d["LSItemContentTypes"]), setupUTI) {
			found = true
			if d["CFBundleTypeRole"] != "Viewer" && d["CFBundleTypeRole"] != "Editor" {
				p.addf("document type %s: CFBundleTypeRole %v, want Viewer", setupUTI, d["CFBundleTypeRole"])
			}
			if d["CFBundleTypeName"] == nil {
				p.addf("document type %s has no CFBundleTypeName", setupUTI)
			}
		}
	}
	if !found {
		p.addf("CFBundleDocumentTypes lists no document type with LSItemContentTypes %s", setupUTI)
	}
	found = false
	for _, d := range dicts("UTExportedTypeDeclarations") {
		if d["UTTypeIdentifier"] != setupUTI {
			continue
		}
		found = true
		if !slices.Contains(strs(d["UTTypeConformsTo"]), "public.json") {
			p.addf("%s does not conform to public.json", setupUTI)
		}
		tags, _ := d["UTTypeTagSpecification"].(map[string]any)
		if ext := strings.TrimPrefix(setupfile.Extension, "."); !slices.Contains(strs(tags["public.filename-extension"]), ext) {
			p.addf("%s: public.filename-extension lacks %q", setupUTI, ext)
		}
	}
	if !found {
		p.addf("UTExportedTypeDeclarations does not declare %s", setupUTI)
	}
	for _, k := range []string{"CFBundleIdentifier", "CFBundleExecutable", "CFBundleShortVersionString"} {
		if s, _ := top[k].(string); s == "" {
			p.addf("no %s", k)
		}
	}
	return fmt.Sprintf("%v %v, document type %s", top["CFBundleIdentifier"], top["CFBundleShortVersionString"], setupUTI), p, nil
}
