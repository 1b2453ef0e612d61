package setupfile

import (
	"strings"
	"testing"
)

func TestParseLifecycle(t *testing.T) {
	text := strings.Replace(good, `"environment": "sandbox",`, `"environment": "sandbox",
  "lifecycle": {"read": false, "delete": true},`, 1)
	f, err := Parse([]byte(text), "f.json")
	if err != nil {
		t.Fatal(err)
	}
	l := f.Lifecycle
	if l == nil || l.Read == nil || *l.Read || l.Update != nil || l.Delete == nil || !*l.Delete || f.Line("lifecycle.read") != 7 {
		t.Fatalf("lifecycle %+v, line %d", l, f.Line("lifecycle.read"))
	}
	if f, err := Parse([]byte(good), "f.json"); err != nil || f.Lifecycle != nil {
		t.Fatalf("without lifecycle: %+v %v", f.Lifecycle, err)
	}
	for _, c := range []struct{ in, field, says string }{
		{`"lifecycle": {"read": "no"},`, "lifecycle.read", "true or false"},
		{`"lifecycle": {"update": 0},`, "lifecycle.update", "true or false"},
		{`"lifecycle": {"deleet": false},`, "lifecycle.deleet", `did you mean "delete"`},
		{`"lifecycle": true,`, "lifecycle", "an object"},
	} {
		ps := problems(t, strings.Replace(good, `"environment": "sandbox",`, `"environment": "sandbox", `+c.in, 1))
		if len(ps) != 1 || ps[0].Field != c.field || ps[0].Line != 6 || !strings.Contains(ps[0].Message, c.says) {
			t.Errorf("%s: %+v", c.in, ps)
		}
	}
}
