# Kohorte: a static binary on a distroless base, running as a non-root user.
# Build: docker build -t kohorte --build-arg VERSION=1.0.0 .
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
# go.mod replaces github.com/jung-kurt/gofpdf with this directory, which
# go mod download needs to read.
COPY certificates/gofpdf ./certificates/gofpdf
RUN go mod download
COPY . .
ARG VERSION=dev
# .ci/run builds with exactly this line, so CI proves the image's build works.
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w -X main.version=${VERSION}" -o /out/kohorte .
RUN mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/kohorte /usr/local/bin/kohorte
COPY --from=build --chown=65532:65532 /out/data /data
ENV KOHORTE_ADDR=0.0.0.0:8080 \
    KOHORTE_DATA_DIR=/data \
    KOHORTE_LOG_FORMAT=json
USER 65532:65532
VOLUME /data
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["/usr/local/bin/kohorte", "healthcheck"]
ENTRYPOINT ["/usr/local/bin/kohorte"]
CMD ["serve"]
