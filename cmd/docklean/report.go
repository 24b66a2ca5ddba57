package main

import (
	"encoding/json"
	"io"

	"github.com/docklean/docklean/transform"
	"github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"
)

const docsURL = "https://github.com/docklean/docklean/blob/main/docs/"

// jsonReport is the --format json document.
type jsonReport struct {
	Files    []jsonFile          `json:"files"`
	Findings []transform.Finding `json:"findings"`
}

// jsonFile is one file of the --format json document.
type jsonFile struct {
	Path     string                  `json:"path"`
	Changed  bool                    `json:"changed"`
	Error    string                  `json:"error,omitempty"`
	Estimate *transform.SizeEstimate `json:"estimate,omitempty"`
}

// writeJSON writes the --format json document.
func writeJSON(w io.Writer, jobs []*job) error {
	r := jsonReport{Files: []jsonFile{}, Findings: []transform.Finding{}}
	for _, j := range jobs {
		f := jsonFile{Path: j.name(), Changed: j.changed}
		if j.err != nil {
			f.Error = errorText(j)
		} else {
			f.Estimate = j.res.Estimate
			r.Findings = append(r.Findings, j.res.Findings...)
		}
		r.Files = append(r.Files, f)
	}
	return encodeJSON(w, r)
}

// sarifReport builds a SARIF 2.1.0 log: one rule per pass, one result per
// finding. Changes are warnings (the file can be improved), refusals and
// notes are notes; files that failed are tool execution notifications.
func sarifReport(jobs []*job) *sarif.Report {
	run := sarif.NewRunWithInformationURI("docklean", docsURL)
	run.Tool.Driver.WithVersion(version)
	for _, p := range transform.All() {
		run.AddRule(p.Name).WithName(p.Name).
			WithShortDescription(sarif.NewMultiformatMessageString().WithText(p.Summary())).
			WithHelpURI(docsURL + p.Name + ".md")
	}
	inv := sarif.NewInvocation().WithExecutionSuccessful(true)
	for _, j := range jobs {
		if j.err != nil {
			inv.WithExecutionSuccessful(false)
			inv.AddToolExecutionNotification(sarif.NewNotification().WithLevel("error").
				WithMessage(sarif.NewTextMessage(errorText(j))))
			continue
		}
		for _, f := range j.res.Findings {
			level := "note"
			if f.Kind == transform.Changed {
				level = "warning"
			}
			run.CreateResultForRule(f.Pass).WithLevel(level).WithKind("fail").
				WithMessage(sarif.NewTextMessage(string(f.Kind) + ": " + f.Message)).
				AddLocation(sarif.NewLocationWithPhysicalLocation(sarif.NewPhysicalLocation().
					WithArtifactLocation(sarif.NewSimpleArtifactLocation(diffPath(f.File))).
					WithRegion(sarif.NewRegion().WithStartLine(max(f.Line, 1)))))
		}
	}
	run.Invocations = append(run.Invocations, inv)
	return sarif.NewReport().AddRun(run)
}

// writeSARIF writes the --format sarif document.
func writeSARIF(w io.Writer, jobs []*job) error {
	return encodeJSON(w, sarifReport(jobs))
}

// encodeJSON writes v as indented JSON.
func encodeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
