package flow

// The advice on an *Error lives in package guidance, which imports flow, so
// this package's own tests cannot import it. guidance_hook_test.go (package
// flow_test, which may) sets Advise, and the tests here read advice through
// it: the same words the front ends show.
var Advise func(*Error) (msg, action string)

func adviceMessage(e *Error) string { m, _ := Advise(e); return m }
func adviceAction(e *Error) string  { _, a := Advise(e); return a }
