package cli

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// secretMetadata are fields the ATO may echo back that must never be shown.
var secretMetadata = map[string]bool{"ato_api_key": true, "registration_access_token": true, "client_secret": true}

// metadataLines renders the ATO's metadata as one "label: value" line per
// field, sorted: nested objects flattened with dotted names, lists of plain
// values joined, a JWK set shown as its keys' ids and kinds. Secrets are left
// out at any depth. Nothing here prints Go's own map or slice syntax.
func metadataLines(md map[string]any) []string {
	var lines []string
	flattenMetadata(&lines, "", md)
	return lines
}

func flattenMetadata(lines *[]string, prefix string, md map[string]any) {
	keys := make([]string, 0, len(md))
	for k := range md {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if secretMetadata[k] {
			continue
		}
		flattenValue(lines, prefix+k, k, md[k])
	}
}

func flattenValue(lines *[]string, label, key string, v any) {
	switch v := v.(type) {
	case map[string]any:
		if key == "jwks" {
			*lines = append(*lines, label+": "+jwksSummary(v))
			return
		}
		if len(v) == 0 {
			*lines = append(*lines, label+": (none)")
			return
		}
		flattenMetadata(lines, label+".", v)
	case []any:
		if allScalar(v) {
			parts := make([]string, len(v))
			for i, e := range v {
				parts[i] = scalar(e)
			}
			joined := strings.Join(parts, ", ")
			if len(v) == 0 {
				joined = "(none)"
			}
			*lines = append(*lines, label+": "+joined)
			return
		}
		for i, e := range v {
			flattenValue(lines, label+"."+strconv.Itoa(i+1), key, e)
		}
	default:
		*lines = append(*lines, label+": "+shorten(scalar(v)))
	}
}

func allScalar(list []any) bool {
	for _, e := range list {
		switch e.(type) {
		case map[string]any, []any:
			return false
		}
	}
	return true
}

// scalar prints a JSON value without Go's formatting quirks (large numbers
// in exponent form, <nil>).
func scalar(v any) string {
	switch v := v.(type) {
	case nil:
		return "(none)"
	case string:
		return v
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case fmt.Stringer:
		return v.String()
	default:
		return fmt.Sprint(v)
	}
}

// shorten cuts a long value (a base64 certificate): its start is enough to
// recognise it.
func shorten(s string) string {
	if r := []rune(s); len(r) > 72 {
		return string(r[:60]) + "…"
	}
	return s
}

// jwksSummary names each key of a JWK set by id and kind ("kid (RSA, RS256,
// sig)"); key material is not shown.
func jwksSummary(set map[string]any) string {
	list, _ := set["keys"].([]any)
	if len(list) == 0 {
		return "no keys"
	}
	parts := make([]string, 0, len(list))
	for _, e := range list {
		k, _ := e.(map[string]any)
		id := scalar(k["kid"])
		if k["kid"] == nil {
			id = "key without id"
		}
		var kind []string
		for _, f := range []string{"kty", "alg", "use"} {
			if s, ok := k[f].(string); ok && s != "" {
				kind = append(kind, s)
			}
		}
		if len(kind) > 0 {
			id += " (" + strings.Join(kind, ", ") + ")"
		}
		parts = append(parts, id)
	}
	word := "keys"
	if len(parts) == 1 {
		word = "key"
	}
	return fmt.Sprintf("%d %s: %s", len(parts), word, strings.Join(parts, "; "))
}
