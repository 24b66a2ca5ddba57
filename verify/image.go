package verify

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"
)

// Image is what docklean measures of a built image.
type Image struct {
	ID     string `json:"id"`
	Size   int64  `json:"size"`   // uncompressed, as `docker images` shows it
	Layers int    `json:"layers"` // filesystem layers, base image included
	// Compressed is the sum of the layers' gzip sizes: about what a push
	// stores and a pull downloads. 0 when it was not measured.
	Compressed int64 `json:"compressed,omitempty"`
}

// inspect measures the image ref; with compressed, it also streams the
// image through `docker save` and sums the gzip sizes of its layers.
func (d *Docker) inspect(ctx context.Context, ref string, compressed bool) (Image, error) {
	out, err := d.output(ctx, "image", "inspect", "--format", "{{.Id}} {{.Size}} {{len .RootFS.Layers}}", ref)
	if err != nil {
		return Image{}, err
	}
	f := strings.Fields(out)
	if len(f) != 3 {
		return Image{}, fmt.Errorf("docker image inspect %s: unexpected output %q", ref, out)
	}
	im := Image{ID: f[0]}
	if im.Size, err = strconv.ParseInt(f[1], 10, 64); err == nil {
		im.Layers, err = strconv.Atoi(f[2])
	}
	if err != nil {
		return Image{}, fmt.Errorf("docker image inspect %s: %v", ref, err)
	}
	if !compressed {
		return im, nil
	}
	cmd := d.command(ctx, nil, "save", ref)
	r, err := cmd.StdoutPipe()
	if err != nil {
		return Image{}, err
	}
	if err := cmd.Start(); err != nil {
		return Image{}, err
	}
	im.Compressed, err = compressedLayers(r)
	io.Copy(io.Discard, r)
	if werr := cmd.Wait(); err == nil && werr != nil {
		err = fmt.Errorf("docker save %s: %v", ref, werr)
	}
	return im, err
}

// compressedLayers reads an image archive as `docker save` writes it (the
// legacy layout or OCI) and returns the sum of the gzip sizes of the layers
// its manifest.json lists.
func compressedLayers(r io.Reader) (int64, error) {
	sizes := map[string]int64{}
	var manifest []struct{ Layers []string }
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return 0, err
		}
		if h.Typeflag != tar.TypeReg {
			continue
		}
		name := path.Clean(h.Name)
		if name == "manifest.json" {
			if err := json.NewDecoder(tr).Decode(&manifest); err != nil {
				return 0, fmt.Errorf("image archive manifest.json: %v", err)
			}
			continue
		}
		n, err := gzipSize(tr)
		if err != nil {
			return 0, err
		}
		sizes[name] = n
	}
	if len(manifest) != 1 {
		return 0, errors.New("image archive: manifest.json must list exactly one image")
	}
	var sum int64
	for _, l := range manifest[0].Layers {
		n, ok := sizes[path.Clean(l)]
		if !ok {
			return 0, fmt.Errorf("image archive: layer %s is missing", l)
		}
		sum += n
	}
	return sum, nil
}

// gzipSize is the size r has once gzipped at the default level.
func gzipSize(r io.Reader) (int64, error) {
	var c counter
	zw := gzip.NewWriter(&c)
	if _, err := io.Copy(zw, r); err != nil {
		return 0, err
	}
	err := zw.Close()
	return int64(c), err
}

// counter is a writer that counts the bytes written to it.
type counter int64

func (c *counter) Write(p []byte) (int, error) {
	*c += counter(len(p))
	return len(p), nil
}
