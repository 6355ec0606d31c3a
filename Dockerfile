# The shopconform command in a container: a static binary on distroless
# static (CA certificates, /tmp, a non-root user and nothing else), with the
# cases, cassettes and catalog inside the binary: no source tree and no Go
# toolchain at run time.
#
#   docker build -t shopconform .        # or podman build
#   mkdir -p reports
#   docker run --rm --user "$(id -u):$(id -g)" -v "$PWD/reports:/home/nonroot/reports" shopconform run
#
# Reports go to /home/nonroot/reports (the default report folder, relative
# to the working directory): mount a folder there, or give --report-dir.
# --user makes them yours (rootless podman: --userns=keep-id instead);
# ci/README.md says more.
#
# Beyond the two base images the build needs only the Go module proxy
# (GOPROXY and GOSUMDB pass through as build arguments). Every RUN is in
# exec form, so any image with a Go toolchain builds it: GO_IMAGE and
# BASE_IMAGE choose others (a mirror, or the stand-ins the container test
# builds when these are not on the machine).

ARG GO_IMAGE=docker.io/library/golang:1.26.8-bookworm
ARG BASE_IMAGE=gcr.io/distroless/static-debian12:nonroot

FROM ${GO_IMAGE} AS build
ARG GOPROXY
ARG GOSUMDB
ENV CGO_ENABLED=0 GOTOOLCHAIN=local GOFLAGS=-buildvcs=false GOMODCACHE=/go/pkg/mod GOCACHE=/root/.cache/go-build
WORKDIR /src
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod ["go", "mod", "download"]
COPY . .
RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build ["go", "build", "-trimpath", "-ldflags=-s -w", "-o", "/out/shopconform", "./cmd/shopconform"]

FROM ${BASE_IMAGE}
COPY --from=build /out/shopconform /usr/local/bin/shopconform
USER 65532:65532
WORKDIR /home/nonroot
ENTRYPOINT ["/usr/local/bin/shopconform"]
CMD ["run"]
