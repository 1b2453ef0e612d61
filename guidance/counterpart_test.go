package guidance

import (
	"context"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"dcrwizard/flow"
)

// everyFailure is a flow.Error for every table entry, status, kind and
// step, so that every advice text is rendered at least once.
func everyFailure() []*flow.Error {
	at := time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)
	steps := []flow.Step{flow.StepSign, flow.StepToken, flow.StepRegister, flow.StepSave, flow.StepVerify, flow.StepHeartbeat, flow.StepRead, flow.StepUpdate, flow.StepDelete}
	var out []*flow.Error
	add := func(e flow.Error) {
		for _, s := range steps {
			e := e
			e.Step, e.At, e.ClientID, e.InstanceName = s, at, "cid", "Front desk"
			out = append(out, &e)
		}
	}
	for code := range codeGuides {
		add(flow.Error{Status: 400, Code: code, Description: "said"})
	}
	for st := range statusGuides {
		add(flow.Error{Status: st})
	}
	for st := range lifecycleGuides {
		add(flow.Error{Status: st})
	}
	for _, st := range []int{200, 302, 418, 500, 504} {
		add(flow.Error{Status: st, Kind: flow.KindUnknownOutcome, Unknown: true})
		add(flow.Error{Status: st, Kind: flow.KindBadResponse})
	}
	for _, k := range []flow.ErrorKind{flow.KindInput, flow.KindCredential, flow.KindAborted, flow.KindCancelled, flow.KindTimeout, flow.KindDNS, flow.KindTLS, flow.KindNetwork, flow.KindUnknownOutcome} {
		add(flow.Error{Kind: k, Err: context.DeadlineExceeded})
		add(flow.Error{Kind: k, Proxy: "proxy.example:3128"})
		add(flow.Error{Kind: k, NotSent: true})
	}
	add(flow.Error{Status: 400, Code: "invalid_client_metadata", Description: "x509_certificate is invalid"})
	add(flow.Error{Status: 401, ServerTime: at.Add(-time.Hour)})
	return out
}

// Practice's simulator is never called the ATO, and no slot is left
// unfilled: every text names its counterpart through a slot.
func TestCounterpartNamedInEveryText(t *testing.T) {
	for _, e := range everyFailure() {
		for _, c := range []Counterpart{ATO, Simulator} {
			a := ForAt(e, c)
			text := a.Message() + " " + a.Action()
			if strings.Contains(text, "{") {
				t.Errorf("%v %+v: unfilled slot in %q", c, e, text)
			}
			if c == Simulator && (strings.Contains(text, "the ATO") || strings.Contains(text, "The ATO")) {
				t.Errorf("%+v: the simulator called the ATO: %q", e, text)
			}
		}
	}
	if a := For(&flow.Error{Step: flow.StepRegister, Status: 429}); !strings.Contains(a.Message(), "The ATO is receiving") {
		t.Errorf("For is not the ATO's: %q", a.Message())
	}
}

// Every string literal in the package names the ATO through a slot, so a
// sentence worded differently cannot escape the counterpart.
func TestNoBareATOInTexts(t *testing.T) {
	files, _ := filepath.Glob("*.go")
	fset := token.NewFileSet()
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") || f == "counterpart.go" {
			continue
		}
		af, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(af, func(n ast.Node) bool {
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			s, _ := strconv.Unquote(lit.Value)
			bare := strings.NewReplacer("{The ATO's}", "", "{the ATO's}", "", "{The ATO}", "", "{the ATO}", "").Replace(s)
			if strings.Contains(bare, "the ATO") || strings.Contains(bare, "The ATO") {
				t.Errorf("%s: %q names the ATO outside a slot", fset.Position(lit.Pos()), s)
			}
			return true
		})
	}
}
