package journey

import (
	"errors"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"

	"dcrwizard/consumerkey"
	"dcrwizard/flow"
	"dcrwizard/m2m"
	"dcrwizard/registrar"
)

var places = Places{
	Presets:  flow.Presets(),
	Practice: flow.Practice("https://127.0.0.1:1/token", "https://127.0.0.1:1/reg", "sim", "scope"),
}

func exampleSetup(t *testing.T) *registrar.Setup {
	t.Helper()
	s, err := registrar.LoadSetup(filepath.Join("..", "..", "docs", "example.dcrwizard.json"))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func key(t *testing.T, s string, src consumerkey.Source) consumerkey.Key {
	t.Helper()
	k, err := consumerkey.New(s, src)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// The finding behind issue 26 item 2: after a Practice run, leaving Practice
// must take the demo credential and the Practice environment with it.
func TestLeavingPracticeDropsDemoCredentialAndRestoresChoice(t *testing.T) {
	var d Draft
	d.Choose(Sandbox)
	d.EnterPractice()
	d.SetDemoKeystore("/tmp/demo/keystore.xml")
	d.ChooseKeystore("/tmp/demo/keystore.xml")
	d.Credential = &m2m.Credential{}
	if d.Kind() != Practice || !d.UsingDemo() {
		t.Fatalf("kind %v demo %v", d.Kind(), d.UsingDemo())
	}
	d.LeavePractice()
	if d.Practising() || d.Kind() != Sandbox {
		t.Fatalf("after leaving: practising %v kind %v", d.Practising(), d.Kind())
	}
	if d.Keystore != "" || d.Credential != nil {
		t.Fatalf("demo credential kept: %q %v", d.Keystore, d.Credential)
	}
}

func TestLeavingPracticeKeepsOwnCredential(t *testing.T) {
	var d Draft
	d.EnterPractice()
	d.SetDemoKeystore("/tmp/demo/keystore.xml")
	d.ChooseKeystore("/home/p/keystore.xml")
	c := &m2m.Credential{}
	d.Credential = c
	d.LeavePractice()
	if d.Keystore != "/home/p/keystore.xml" || d.Credential != c {
		t.Fatal("the user's own credential was dropped")
	}
	if d.Kind() != Unchosen {
		t.Fatalf("kind %v", d.Kind())
	}
}

func TestSetupFileLeavesPracticeAndDecides(t *testing.T) {
	var d Draft
	d.EnterPractice()
	s := exampleSetup(t)
	d.UseSetup(s)
	if d.Practising() {
		t.Fatal("loading a setup file kept Practice")
	}
	if d.Kind() != Sandbox || !d.SetupEnv() || !d.SetupKey() {
		t.Fatalf("kind %v setupEnv %v setupKey %v", d.Kind(), d.SetupEnv(), d.SetupKey())
	}
	typed := key(t, "TypedKey0000000000001", consumerkey.Typed)
	d.TypedKey = typed
	if got := d.Key(consumerkey.Key{}); !got.Same(s.ConsumerKey()) {
		t.Fatal("the setup file's key did not win over a stale typed one")
	}
	d.OwnKey = true
	if got := d.Key(consumerkey.Key{}); !got.Same(typed) {
		t.Fatal("Change on Details did not make the typed key count")
	}
	d.OwnEnv = true
	d.Choose(Production)
	if d.Kind() != Production {
		t.Fatalf("Change on Environment: kind %v", d.Kind())
	}
	d.ForgetSetup()
	if d.SetupKey() || d.SetupEnv() {
		t.Fatal("forgotten setup still decides")
	}
}

func TestChoosingPracticeEntersAndAnotherLeaves(t *testing.T) {
	var d Draft
	d.Choose(Practice)
	if !d.Practising() {
		t.Fatal("choosing Practice did not enter it")
	}
	d.Choose(Sandbox)
	if d.Practising() || d.Kind() != Sandbox {
		t.Fatal("choosing Sandbox did not leave Practice")
	}
}

func TestEnvResolves(t *testing.T) {
	var d Draft
	if _, ok := d.Env(places); ok {
		t.Fatal("an empty draft has an environment")
	}
	d.Choose(Production)
	if e, _ := d.Env(places); e.Name != flow.Production.Name {
		t.Fatalf("%+v", e)
	}
	d.EnterPractice()
	if e, ok := d.Env(Places{Presets: places.Presets}); ok || e.Name != "" {
		t.Fatal("Practice resolved before its simulator runs")
	}
	if e, _ := d.Env(places); KindOf(e) != Practice {
		t.Fatalf("%+v", e)
	}
	d.LeavePractice()
	d.Choose(Custom)
	d.Custom = flow.Custom("https://a.example/t", "https://a.example/r", "id", "s")
	if e, _ := d.Env(places); e.TokenURL != "https://a.example/t" {
		t.Fatalf("%+v", e)
	}
}

func TestInputFromDraftAlone(t *testing.T) {
	var d Draft
	if _, _, err := d.Input(places, consumerkey.Key{}, t.TempDir()); !errors.Is(err, ErrIncomplete) {
		t.Fatalf("empty draft: %v", err)
	}
	c := &m2m.Credential{}
	d.Credential = c
	d.Choose(Sandbox)
	d.TypedKey = key(t, "TypedKey0000000000001", consumerkey.Typed)
	d.Name = "  Front desk  "
	in, _, err := d.Input(places, consumerkey.Key{}, t.TempDir())
	if err != nil || in.Env.Name != "sandbox" || in.Credential != c || in.InstanceName != "Front desk" || !in.ConsumerKey.Same(d.TypedKey) {
		t.Fatalf("%+v %v", in, err)
	}
	pk := key(t, "PracticeKey00000000001", consumerkey.Practice)
	d.EnterPractice()
	in, _, err = d.Input(places, pk, t.TempDir())
	if err != nil || KindOf(in.Env) != Practice || !in.ConsumerKey.Same(pk) {
		t.Fatalf("practice: %+v %v", in, err)
	}
	d.UseSetup(exampleSetup(t))
	in, _, err = d.Input(places, pk, t.TempDir())
	if err != nil || in.Env.Name != "sandbox" || !in.ConsumerKey.Same(d.Setup.ConsumerKey()) || in.Vendor.Name == "" {
		t.Fatalf("setup: %+v %v", in, err)
	}
}

// The model is testable without Fyne because it does not import it.
func TestNoFyne(t *testing.T) {
	files, _ := filepath.Glob("*.go")
	fset := token.NewFileSet()
	for _, f := range files {
		af, err := parser.ParseFile(fset, f, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, im := range af.Imports {
			if strings.Contains(im.Path.Value, "fyne.io") {
				t.Errorf("%s imports %s", f, im.Path.Value)
			}
		}
	}
}

// A listed place that is neither preset (a test server) is chosen as
// itself; ticking the typed addresses overrides it and unticking restores it.
func TestChoosePlaceAndTypedAddresses(t *testing.T) {
	test := flow.Custom("https://test.example/t", "https://test.example/r", "id", "s")
	var d Draft
	d.ChoosePlace(test)
	if e, ok := d.Env(places); !ok || e.TokenURL != test.TokenURL {
		t.Fatalf("listed place: %+v %v", e, ok)
	}
	d.Custom = flow.Custom("https://typed.example/t", "https://typed.example/r", "id", "s")
	d.Addresses = true
	if e, _ := d.Env(places); e.TokenURL != "https://typed.example/t" || d.Kind() != Custom {
		t.Fatalf("typed: %+v", e)
	}
	d.Addresses = false
	if k, e := d.Chosen(); k != Custom || e.TokenURL != test.TokenURL {
		t.Fatalf("chosen %v %+v", k, e)
	}
	d.ChoosePlace(flow.Sandbox)
	if e, _ := d.Env(places); e.Name != flow.Sandbox.Name {
		t.Fatalf("sandbox: %+v", e)
	}
}

// Practising with a setup file loaded rehearses the vendor's registration:
// it goes to the simulator with Practice's key, recorded with the vendor.
func TestPracticeWithSetupRecordsVendor(t *testing.T) {
	var d Draft
	d.UseSetup(exampleSetup(t))
	d.EnterPractice()
	d.Credential = &m2m.Credential{}
	pk := key(t, "PracticeKey00000000001", consumerkey.Practice)
	in, _, err := d.Input(places, pk, t.TempDir())
	if err != nil || KindOf(in.Env) != Practice || !in.ConsumerKey.Same(pk) || in.Vendor != d.Setup.Vendor {
		t.Fatalf("%+v %v", in, err)
	}
	d.LeavePractice()
	if !d.SetupEnv() || !d.SetupKey() {
		t.Fatal("leaving Practice did not give the setup file its say again")
	}
}
