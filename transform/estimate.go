package transform

import (
	_ "embed"
	"strconv"
	"strings"
	"sync"

	"github.com/docklean/docklean/parser"
)

//go:embed data/image-sizes.tsv
var imageSizesTSV string

// SizeEstimate compares the base images of the final stage before and after
// a rewrite. It is an estimate from a table of base image sizes: it knows
// nothing of what the Dockerfile installs or copies.
type SizeEstimate struct {
	BeforeImage        string  `json:"before_image"`
	AfterImage         string  `json:"after_image"`
	BeforeMB           float64 `json:"before_mb"` // uncompressed
	AfterMB            float64 `json:"after_mb"`
	BeforeCompressedMB float64 `json:"before_compressed_mb"`
	AfterCompressedMB  float64 `json:"after_compressed_mb"`
	Estimate           bool    `json:"estimate"` // always true: these are table figures, not measurements
}

func (e *SizeEstimate) String() string {
	mb := func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) + " MB" }
	return "estimate: final base image " + e.BeforeImage + " (~" + mb(e.BeforeMB) + ") → " +
		e.AfterImage + " (~" + mb(e.AfterMB) + "), from base image sizes only"
}

type imageSize struct{ compressed, uncompressed float64 }

var imageSizes = sync.OnceValue(func() map[string]imageSize {
	m := map[string]imageSize{}
	for _, l := range strings.Split(imageSizesTSV, "\n") {
		f := strings.Split(l, "\t")
		if len(f) != 4 || strings.HasPrefix(l, "#") {
			continue
		}
		c, _ := strconv.ParseFloat(f[2], 64)
		u, _ := strconv.ParseFloat(f[3], 64)
		m[f[0]+"\t"+f[1]] = imageSize{c, u}
	}
	return m
})

// estimateAfter is estimate with the final base of the file before already
// looked up, so the pipeline need not keep the parsed original.
func estimateAfter(bi string, bs imageSize, okB bool, a *parser.Document) (*SizeEstimate, bool) {
	ai, as, okA := finalBaseSize(a)
	if !okB || !okA || bi == ai || bs == as {
		return nil, false
	}
	return &SizeEstimate{
		BeforeImage: bi, AfterImage: ai,
		BeforeMB: bs.uncompressed, AfterMB: as.uncompressed,
		BeforeCompressedMB: bs.compressed, AfterCompressedMB: as.compressed,
		Estimate: true,
	}, true
}

func finalBaseSize(doc *parser.Document) (string, imageSize, bool) {
	s := doc.Stages[len(doc.Stages)-1]
	for s.Parent != nil { // follow FROM <stage> chains
		s = s.Parent
	}
	ref := s.Base
	if strings.Contains(ref, "$") || strings.Contains(ref, "@") {
		return "", imageSize{}, false
	}
	name, tag, _ := strings.Cut(strings.TrimPrefix(strings.TrimPrefix(ref, "docker.io/"), "library/"), ":")
	variant := "default"
	switch {
	case strings.Contains(tag, "alpine"):
		variant = "alpine"
	case strings.Contains(tag, "slim"):
		variant = "slim"
	case name == "buildpack-deps" && (tag == "curl" || strings.HasSuffix(tag, "-curl")):
		variant = "curl"
	case name == "buildpack-deps" && (tag == "scm" || strings.HasSuffix(tag, "-scm")):
		variant = "scm"
	}
	sz, ok := imageSizes()[name+"\t"+variant]
	return ref, sz, ok
}
