# skinflint as a container image, for CI systems that run containers (GitLab CI, Jenkins,
# Tekton) and for `docker run`. The binary is static (musl) and runs as a non-root user.
#
#   docker build -t skinflint .                          # compile from source (rust:alpine)
#   docker build --build-arg SOURCE=context -t skinflint .
#       # take dist/<arch>/skinflint (amd64, arm64: the release's static musl binaries)
#   docker build --target ci -t skinflint:ci .           # with a busybox shell, for CI jobs
#
#   docker run --rm -v "$PWD:/work" skinflint check /work
#
# The default image holds only the binary (distroless static: no shell, no package
# manager). GitLab CI and Jenkins run their job scripts with a shell inside the image:
# use the `ci` target there, which adds busybox at /busybox.

# Where the binary comes from: `build` (compile here) or `context` (dist/<arch>/skinflint).
ARG SOURCE=build

FROM rust:1-alpine AS build
RUN apk add --no-cache musl-dev
WORKDIR /src
COPY . .
# Alpine's Rust targets musl and links statically by default.
RUN cargo build --release --locked && \
    cp target/release/skinflint /skinflint && \
    /skinflint --version

FROM scratch AS context
ARG TARGETARCH
COPY dist/${TARGETARCH}/skinflint /skinflint

FROM ${SOURCE} AS binary

# For CI jobs: the same binary with a busybox shell (distroless's debug variant).
FROM gcr.io/distroless/static-debian12:debug-nonroot AS ci
COPY --from=binary --chmod=0755 /skinflint /usr/local/bin/skinflint
USER 65532:65532
WORKDIR /work
ENTRYPOINT ["/usr/local/bin/skinflint"]
CMD ["--help"]

# The default: the binary alone. USER is numeric so that Kubernetes' runAsNonRoot can
# verify it.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=binary --chmod=0755 /skinflint /usr/local/bin/skinflint
USER 65532:65532
WORKDIR /work
ENTRYPOINT ["/usr/local/bin/skinflint"]
CMD ["--help"]
