package registrar

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"dcrwizard/credstore"
	"dcrwizard/flow"
	"dcrwizard/setupfile"
)

// The ATO may offer none of RFC 7592 (ato-facts.md §5). A call it does not
// offer — flow.NotOffered, or one a vendor's setup file says it does not
// offer (Offered) — becomes a *NotOfferedError: the registration is
// untouched and not known to be gone, so it is never reported "removed"
// and the user is never told to register again because of it. What the
// user gets instead: check proves the registration by a sign-in as it
// (Verify); rename changes the name here only (RenameHere, with consent);
// remove offers Forget; renew registers again (RegisterAgain).

// Op is a lifecycle operation.
type Op string

const (
	OpRead   Op = "read"   // RFC 7592 GET: check
	OpUpdate Op = "update" // RFC 7592 PUT: rename, renew in place
	OpDelete Op = "delete" // RFC 7592 DELETE: remove
)

// Offered says which lifecycle operations the ATO offers. The zero value
// offers all three (today's default); a vendor's setup file may turn some
// off, and the program then does not try them.
type Offered struct {
	NoRead, NoUpdate, NoDelete bool
}

func (o Offered) offers(op Op) bool {
	switch op {
	case OpRead:
		return !o.NoRead
	case OpUpdate:
		return !o.NoUpdate
	case OpDelete:
		return !o.NoDelete
	}
	return true
}

// NotOfferedError: the ATO does not offer op for registrations. Err is the
// ATO's answer, nil when it was not asked (the setup file said so).
type NotOfferedError struct {
	Op  Op
	Err error
	// Name is the new name a rename asked for, to keep here with consent.
	Name string
}

func (e *NotOfferedError) Error() string {
	var s string
	switch e.Op {
	case OpRead:
		s = "the ATO does not offer reading a registration back, so it cannot say what it holds; this does not mean the registration is gone"
	case OpUpdate:
		s = "the ATO does not offer changing a registration from here; nothing was changed at the ATO"
	default:
		s = "the ATO does not offer removing a registration from here, so it still exists at the ATO"
	}
	return s + e.because()
}

// because says how it is known, in plain words.
func (e *NotOfferedError) because() string {
	var fe *flow.Error
	switch {
	case e.Err == nil:
		return " (your software vendor's setup file says so)"
	case errors.As(e.Err, &fe) && fe.Status != 0:
		return fmt.Sprintf(" (it answered HTTP %d)", fe.Status)
	}
	return ""
}

func (e *NotOfferedError) Unwrap() error { return e.Err }

// Is lets callers that knew only ErrRemovalNotAllowed keep working.
func (e *NotOfferedError) Is(target error) bool {
	return target == ErrRemovalNotAllowed && e.Op == OpDelete
}

// NotOffered reports whether err says the ATO does not offer a lifecycle
// operation, and which.
func NotOffered(err error) (Op, bool) {
	var no *NotOfferedError
	if errors.As(err, &no) {
		return no.Op, true
	}
	return "", false
}

// notOffered turns a lifecycle call's "not offered" answer into a
// *NotOfferedError; any other error is returned as it is.
func notOffered(op Op, err error) error {
	if err != nil && flow.NotOffered(err) {
		return &NotOfferedError{Op: op, Err: err}
	}
	return err
}

// skip refuses, before anything is sent, an operation the setup file says
// the ATO does not offer.
func (r *Registrar) skip(op Op) error {
	if r.Offered.offers(op) {
		return nil
	}
	return &NotOfferedError{Op: op}
}

// RenameHere changes the name on this computer only, for an ATO that does
// not offer renaming: the caller has asked the user, who knows the ATO
// keeps the old name. The same name checks as Rename apply.
func (r *Registrar) RenameHere(ctx context.Context, clientID, newName string) (credstore.Record, error) {
	newName = CleanName(newName)
	if err := ValidateInstanceName(newName); err != nil {
		return credstore.Record{}, err
	}
	rec, _, err := r.Store.Get(ctx, clientID)
	if err != nil {
		return rec, err
	}
	if err := r.Store.CheckName(ctx, rec.Environment, newName, rec.ClientID); err != nil {
		return rec, err
	}
	rec.Name = newName
	if err := r.Store.UpdateRecord(ctx, rec); err != nil {
		return rec, fmt.Errorf("the name could not be changed on this computer: %w", err)
	}
	return rec, nil
}

// renameNotOffered carries the asked-for name on a rename's NotOfferedError.
func renameNotOffered(err error, newName string) error {
	var no *NotOfferedError
	if errors.As(err, &no) {
		no.Op, no.Name = OpUpdate, newName
	}
	return err
}

// renewNotOffered: an ATO that does not offer reading or updating a
// registration cannot take a renewed credential in place; the way on is
// RegisterAgain, which UpdateRefusedError names.
func renewNotOffered(err error) error {
	if flow.NotOffered(err) {
		return &UpdateRefusedError{Err: &NotOfferedError{Op: OpUpdate, Err: err}}
	}
	return err
}

// offeredBy is what a setup file's "lifecycle" says: only an explicit false
// turns a call off.
func offeredBy(l *setupfile.Lifecycle) Offered {
	if l == nil {
		return Offered{}
	}
	off := func(b *bool) bool { return b != nil && !*b }
	return Offered{NoRead: off(l.Read), NoUpdate: off(l.Update), NoDelete: off(l.Delete)}
}

// rows is what setup-check and the wizard show of it: nothing when every
// call is tried (the default).
func (o Offered) rows() []SetupRow {
	if o == (Offered{}) {
		return nil
	}
	var off []string
	for _, c := range []struct {
		no   bool
		what string
	}{{o.NoRead, "check (read)"}, {o.NoUpdate, "rename and renewal in place (update)"}, {o.NoDelete, "remove (delete)"}} {
		if c.no {
			off = append(off, c.what)
		}
	}
	return []SetupRow{{"Not offered by the ATO", strings.Join(off, "; ") + " — not tried; DCR Wizard offers what can be done instead"}}
}
