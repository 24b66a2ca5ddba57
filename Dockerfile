# docklean's own image: a static binary on scratch, run as a non-root user.
# Build: docker build -t docklean .   Use: docker run --rm -v "$PWD:/src" docklean -d .
FROM golang:1.26-alpine AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/docklean ./cmd/docklean

FROM scratch
COPY --from=build /out/docklean /usr/local/bin/docklean
USER 65532:65532
WORKDIR /src
ENTRYPOINT ["/usr/local/bin/docklean"]
