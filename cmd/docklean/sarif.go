package main

import (
	"io"

	"github.com/docklean/docklean/passes"
	"github.com/docklean/docklean/transform"
)

// The SARIF 2.1.0 subset docklean writes: only the properties it has values
// for, so a reader sees no placeholders (-1 offsets, empty arrays).
// https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html
type (
	sarifLog struct {
		Schema  string     `json:"$schema"`
		Version string     `json:"version"`
		Runs    []sarifRun `json:"runs"`
	}
	sarifRun struct {
		Tool        sarifTool         `json:"tool"`
		Invocations []sarifInvocation `json:"invocations"`
		Results     []sarifResult     `json:"results"`
	}
	sarifTool struct {
		Driver sarifDriver `json:"driver"`
	}
	sarifDriver struct {
		Name           string      `json:"name"`
		Version        string      `json:"version"`
		InformationURI string      `json:"informationUri"`
		Rules          []sarifRule `json:"rules"`
	}
	sarifRule struct {
		ID               string       `json:"id"`
		ShortDescription sarifMessage `json:"shortDescription"`
		HelpURI          string       `json:"helpUri"`
	}
	sarifMessage struct {
		Text string `json:"text"`
	}
	sarifInvocation struct {
		ExecutionSuccessful        bool                `json:"executionSuccessful"`
		ToolExecutionNotifications []sarifNotification `json:"toolExecutionNotifications,omitempty"`
	}
	sarifNotification struct {
		Level   string       `json:"level"`
		Message sarifMessage `json:"message"`
	}
	sarifResult struct {
		RuleID    string          `json:"ruleId"`
		RuleIndex int             `json:"ruleIndex"`
		Level     string          `json:"level"`
		Kind      string          `json:"kind"`
		Message   sarifMessage    `json:"message"`
		Locations []sarifLocation `json:"locations"`
		// RelatedLocations are the other lines the message names.
		RelatedLocations []sarifLocation `json:"relatedLocations,omitempty"`
		// Fixes hold the change, for a finding that made one.
		Fixes []sarifFix `json:"fixes,omitempty"`
	}
	sarifFix struct {
		Description     sarifMessage          `json:"description"`
		ArtifactChanges []sarifArtifactChange `json:"artifactChanges"`
	}
	sarifArtifactChange struct {
		ArtifactLocation sarifArtifact      `json:"artifactLocation"`
		Replacements     []sarifReplacement `json:"replacements"`
	}
	sarifReplacement struct {
		DeletedRegion   sarifBytes    `json:"deletedRegion"`
		InsertedContent *sarifContent `json:"insertedContent,omitempty"` // absent: a deletion
	}
	sarifBytes struct {
		ByteOffset int `json:"byteOffset"`
		ByteLength int `json:"byteLength"`
	}
	sarifContent struct {
		Text string `json:"text"`
	}
	sarifLocation struct {
		ID               int           `json:"id,omitempty"` // in relatedLocations: 1, 2, …
		PhysicalLocation sarifPhysical `json:"physicalLocation"`
	}
	sarifPhysical struct {
		ArtifactLocation sarifArtifact `json:"artifactLocation"`
		Region           sarifRegion   `json:"region"`
	}
	sarifArtifact struct {
		URI string `json:"uri"`
	}
	sarifRegion struct {
		StartLine int `json:"startLine"`
	}
)

const sarifSchema = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"

// sarifReport builds a SARIF 2.1.0 log: one rule per code of every pass
// (its help is the code's heading in the pass's page), one result per
// finding, with the other lines it names as related locations and, for a
// change, the change as a fix. Changes are warnings (the file can be
// improved), refusals and notes are notes; files that failed are tool
// execution notifications.
func sarifReport(jobs []*job) *sarifLog {
	driver := sarifDriver{Name: "docklean", Version: version, InformationURI: docsURL, Rules: []sarifRule{}}
	index := map[transform.Code]int{}
	for _, p := range passes.All() {
		for _, r := range p.AllRules() {
			index[r.Code] = len(driver.Rules)
			driver.Rules = append(driver.Rules, sarifRule{
				ID:               string(r.Code),
				ShortDescription: sarifMessage{r.Summary},
				HelpURI:          docsURL + r.Code.Doc(),
			})
		}
	}
	inv := sarifInvocation{ExecutionSuccessful: true}
	results := []sarifResult{}
	for _, j := range jobs {
		if j.err != nil {
			inv.ExecutionSuccessful = false
			inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications,
				sarifNotification{Level: "error", Message: sarifMessage{errorText(j)}})
			continue
		}
		for _, f := range j.res.Findings {
			results = append(results, sarifResultOf(f, index[f.Code]))
		}
	}
	return &sarifLog{
		Schema: sarifSchema, Version: "2.1.0",
		Runs: []sarifRun{{Tool: sarifTool{driver}, Invocations: []sarifInvocation{inv}, Results: results}},
	}
}

// sarifResultOf is the result for one finding of rule number rule.
func sarifResultOf(f transform.Finding, rule int) sarifResult {
	level := "note"
	if f.Kind == transform.Changed {
		level = "warning"
	}
	file := sarifArtifact{diffPath(f.File)}
	at := func(line int) sarifPhysical {
		return sarifPhysical{ArtifactLocation: file, Region: sarifRegion{max(line, 1)}}
	}
	r := sarifResult{
		RuleID: string(f.Code), RuleIndex: rule, Level: level, Kind: "fail",
		Message:   sarifMessage{string(f.Kind) + ": " + f.Message},
		Locations: []sarifLocation{{PhysicalLocation: at(f.Line)}},
	}
	for i, l := range f.Related {
		r.RelatedLocations = append(r.RelatedLocations, sarifLocation{ID: i + 1, PhysicalLocation: at(l)})
	}
	if len(f.Edits) > 0 {
		change := sarifArtifactChange{ArtifactLocation: file}
		for _, e := range f.Edits {
			rep := sarifReplacement{DeletedRegion: sarifBytes{ByteOffset: e.Start, ByteLength: e.End - e.Start}}
			if e.Text != "" {
				rep.InsertedContent = &sarifContent{e.Text}
			}
			change.Replacements = append(change.Replacements, rep)
		}
		r.Fixes = []sarifFix{{Description: sarifMessage{f.Message}, ArtifactChanges: []sarifArtifactChange{change}}}
	}
	return r
}

// writeSARIF writes the --format sarif document.
func writeSARIF(w io.Writer, jobs []*job) error {
	return encodeJSON(w, sarifReport(jobs))
}
