package guidance

import "dcrwizard/flow"

// problemWords is what to do about each input flow refuses, with the
// punctuation that joins it to flow's fragment.
var problemWords = map[flow.Problem]string{
	flow.ProblemNotURL:          ". It should look like https://host/path",
	flow.ProblemInsecure:        ". Use an https:// address",
	flow.ProblemHostChar:        ". Such characters can make another server's name look like a known one; type the address with plain letters",
	flow.ProblemHostDot:         ". Leave the dot out",
	flow.ProblemPunycode:        ", and can make another server's name look like a known one. Use a host name of plain letters, digits and hyphens",
	flow.ProblemHeartbeatDomain: ". The heartbeat receives the new registration's access token, so it must be a server of the same organisation, or on this computer",
	flow.ProblemMixed:           ". A set-up either uses {the ATO's} addresses only or none of them: mixed, what {the ATO} issues would be sent to another server",
	flow.ProblemATOExtraCA:      ": whoever holds that CA could pose as {the ATO}. Remove the extra CA certificate",
	flow.ProblemNoClientID:      ". Enter the one {the ATO} gives for this environment",
	flow.ProblemNoScope:         ". For {the ATO} it is " + flow.Sandbox.Scope,
	flow.ProblemCAOpen:          ". Check the file exists and you may read it",
	flow.ProblemCATooBig:        ". Choose the certificate file your IT support gave you",
	flow.ProblemCANoCerts:       ". Choose the CA certificate file (PEM or .cer) your IT support gave you",
}

// inputWords is a *flow.InputError (err itself, not wrapping one) with
// what to do about it; Text makes the whole chain a sentence.
func inputWords(err error) (string, bool) {
	e, ok := err.(*flow.InputError)
	if !ok {
		return "", false
	}
	return textSlots(e.Err) + problemWords[e.Problem], true
}
