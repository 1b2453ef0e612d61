package ui

// Glue for this branch until the journey navigator lands; the lead deletes
// this file on merge.

// adviceWords is the lead's (ui/counterpart.go on merge): guidance advice for cp.
func adviceWords(cp counterpart, s string) string { return practiceWords(cp.practice, s) }

// buildRegistrations puts the Registrations page in the wizard's old page
// arrays; the navigator calls its build, problem and focus itself.
func (w *Wizard) buildRegistrations() {
	p := &w.registrations
	p.w = w
	w.setPage(stepRegistrations, p.build().Objects...)
	w.problems[stepRegistrations] = p.problem
	w.focusers[stepRegistrations] = p.focus
}

// showRegistrationsStep is w.show(stepRegistrations) once show calls the
// page's shown itself.
func showRegistrationsStep(p *registrationsPage) {
	p.w.show(stepRegistrations)
	p.shown()
}
