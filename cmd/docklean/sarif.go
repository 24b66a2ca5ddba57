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
		Name             string       `json:"name"`
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
	}
	sarifLocation struct {
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

// sarifReport builds a SARIF 2.1.0 log: one rule per pass, one result per
// finding. Changes are warnings (the file can be improved), refusals and
// notes are notes; files that failed are tool execution notifications.
func sarifReport(jobs []*job) *sarifLog {
	driver := sarifDriver{Name: "docklean", Version: version, InformationURI: docsURL, Rules: []sarifRule{}}
	index := map[string]int{}
	for _, p := range passes.All() {
		index[p.Name] = len(driver.Rules)
		driver.Rules = append(driver.Rules, sarifRule{
			ID: p.Name, Name: p.Name,
			ShortDescription: sarifMessage{p.Summary()},
			HelpURI:          docsURL + p.Name + ".md",
		})
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
			level := "note"
			if f.Kind == transform.Changed {
				level = "warning"
			}
			results = append(results, sarifResult{
				RuleID: f.Pass, RuleIndex: index[f.Pass], Level: level, Kind: "fail",
				Message: sarifMessage{string(f.Kind) + ": " + f.Message},
				Locations: []sarifLocation{{PhysicalLocation: sarifPhysical{
					ArtifactLocation: sarifArtifact{diffPath(f.File)},
					Region:           sarifRegion{max(f.Line, 1)},
				}}},
			})
		}
	}
	return &sarifLog{
		Schema: sarifSchema, Version: "2.1.0",
		Runs: []sarifRun{{Tool: sarifTool{driver}, Invocations: []sarifInvocation{inv}, Results: results}},
	}
}

// writeSARIF writes the --format sarif document.
func writeSARIF(w io.Writer, jobs []*job) error {
	return encodeJSON(w, sarifReport(jobs))
}
