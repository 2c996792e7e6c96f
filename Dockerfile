# The pypi-publish container image: one static binary, CA certificates and
# a non-root user, nothing else.
#
#   docker build -t pypi-publish .                        FROM scratch, ENTRYPOINT /pypi-publish
#   docker build --target shell -t pypi-publish:shell .   the same plus a static BusyBox /bin/sh, for
#                                                         CI systems that run a script inside the job
#                                                         image (GitLab CI, CircleCI, Jenkins)
#
# Every base image is a build argument, so the image builds against local
# or mirrored images: .ci/container builds it with buildah, offline, from
# images it makes with debootstrap, a vendor/ directory in the context and
# --build-arg GOPROXY=off. The build stage runs on the build machine's
# platform and cross-compiles for the target one, so a multi-platform
# build (docker buildx --platform linux/amd64,linux/arm64) needs no
# emulation.

ARG GO_IMAGE=golang:1.26-bookworm
ARG BASE_IMAGE=scratch
ARG BUSYBOX_IMAGE=busybox:1.37-musl

FROM --platform=$BUILDPLATFORM ${GO_IMAGE} AS build
ARG VERSION=dev
ARG TARGETOS
ARG TARGETARCH
# "off" (with vendor/ in the context) builds without a network.
ARG GOPROXY
WORKDIR /src
# Modules in their own layer, so that a change in the sources alone reuses
# the download.
COPY go.mod go.sum ./
RUN if [ "$GOPROXY" != off ]; then go mod download; fi
COPY . .
RUN CGO_ENABLED=0 GOOS="${TARGETOS:-linux}" GOARCH="${TARGETARCH:-amd64}" GOFLAGS=-buildvcs=false \
        go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/pypi-publish . \
    && mkdir -p /out/etc/ssl/certs /out/tmp \
    && cp /etc/ssl/certs/ca-certificates.crt /out/etc/ssl/certs/ca-certificates.crt \
    && echo 'pypi-publish:x:65532:65532:pypi-publish:/tmp:/sbin/nologin' > /out/etc/passwd \
    && echo 'pypi-publish:x:65532:' > /out/etc/group \
    && chmod 1777 /out/tmp

FROM ${BUSYBOX_IMAGE} AS busybox

# The image: FROM scratch by default.
FROM ${BASE_IMAGE} AS minimal
ARG VERSION=dev
COPY --from=build /out/ /
ENV PATH=/ \
    HOME=/tmp \
    SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt
USER 65532:65532
LABEL org.opencontainers.image.title="pypi-publish" \
      org.opencontainers.image.description="Checks and publishes Python distributions to PyPI: a drop-in for pypa/gh-action-pypi-publish, usable in any CI" \
      org.opencontainers.image.source="https://github.com/pypi-publish/pypi-publish" \
      org.opencontainers.image.url="https://github.com/pypi-publish/pypi-publish" \
      org.opencontainers.image.documentation="https://github.com/pypi-publish/pypi-publish/tree/main/docs" \
      org.opencontainers.image.version="${VERSION}"
ENTRYPOINT ["/pypi-publish"]

# With a shell: GitLab CI, CircleCI and Jenkins start the job image and run
# the job's script lines in it with /bin/sh (Jenkins also needs cat). The
# same image plus BusyBox, so the two cannot drift apart.
FROM minimal AS shell
COPY --from=busybox /bin/ /bin/
ENV PATH=/bin:/
LABEL org.opencontainers.image.title="pypi-publish (with a shell)" \
      org.opencontainers.image.description="Checks and publishes Python distributions to PyPI: static binary plus BusyBox sh, for CI job images"

# The default target is the last stage: the image without a shell.
FROM minimal
