package setupfile

import "sort"

// kind is a field's JSON type.
type kind int

const (
	kString kind = iota
	kInt
	kObject
)

// schema is every field the parser knows, by path. The JSON Schema in
// docs/setup-file.schema.json must list the same (a test checks).
var schema = map[string]kind{
	"format":                           kInt,
	"vendor":                           kString,
	"product":                          kString,
	"support":                          kObject,
	"support.phone":                    kString,
	"support.email":                    kString,
	"support.url":                      kString,
	"environment":                      kString,
	"consumer_key":                     kString,
	"endpoints":                        kObject,
	"endpoints.token_url":              kString,
	"endpoints.registration_url":       kString,
	"endpoints.registration_client_id": kString,
	"endpoints.scope":                  kString,
	"endpoints.ca_pem":                 kString,
	"endpoints.verify_scope":           kString,
	"endpoints.heartbeat_url":          kString,
	"name_template":                    kString,
	"lifecycle":                        kObject,
	"lifecycle.read":                   kBool,
	"lifecycle.update":                 kBool,
	"lifecycle.delete":                 kBool,
}

// Fields lists every field path the parser knows, sorted.
func Fields() []string {
	out := make([]string, 0, len(schema))
	for k := range schema {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// secretWords are parts of field names that mean someone tried to put a
// credential in the file: refused with its own message.
var secretWords = []string{"password", "passphrase", "private", "keystore", "secret", "token", "credential", "p12", "pfx"}

// Bounds on what a refusal lists: a file of thousands of wrong fields
// gets a message a person can read, not megabytes.
const (
	maxUnknownListed = 3  // unknown fields with a message of their own
	maxUnknownNamed  = 5  // further unknown fields named in the summary
	maxProblems      = 20 // problems of any kind; the rest are counted
	maxNameShown     = 40 // characters of a field's name shown
)
