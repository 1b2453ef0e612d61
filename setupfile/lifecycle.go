package setupfile

import "encoding/json"

// Lifecycle says which RFC 7592 calls the ATO offers, as a vendor's
// conformance run found (`dcrwizard conformance`). A field left out means
// "try it", as without a setup file; false means DCR Wizard does not try
// that call and says at once what can be done instead.
type Lifecycle struct {
	Read, Update, Delete *bool
}

// kBool is a JSON true or false.
const kBool = kObject + 1

// boolValue stores one of lifecycle's booleans.
func (p *parser) boolValue(path string, raw json.RawMessage, line int) {
	var b bool
	if len(raw) == 0 || (raw[0] != 't' && raw[0] != 'f') || json.Unmarshal(raw, &b) != nil {
		p.problem(line, path, "this must be true or false, without quotes.")
		return
	}
	if p.f.Lifecycle == nil {
		p.f.Lifecycle = &Lifecycle{}
	}
	switch path {
	case "lifecycle.read":
		p.f.Lifecycle.Read = &b
	case "lifecycle.update":
		p.f.Lifecycle.Update = &b
	case "lifecycle.delete":
		p.f.Lifecycle.Delete = &b
	}
}
