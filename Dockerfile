# haven in a container: built with the Rust the project pins (1.95), run as a user with no
# login and no home, on a read-only root filesystem, with everything it keeps in one volume.
#
#   docker build -t haven .
#   docker volume create haven-data
#   docker run --read-only --tmpfs /tmp -v haven-data:/data -p 127.0.0.1:8080:8080 \
#     --env-file /etc/haven.env -e HAVEN_DATA=/data -e HAVEN_LISTEN=0.0.0.0:8080 \
#     -e HAVEN_TRUSTED_PROXIES=172.17.0.1 --stop-timeout 30 haven
#
# HAVEN_TRUSTED_PROXIES names the reverse proxy as the container sees it (Docker's bridge
# gateway when the proxy runs on the host), so per-network limits see the real client; see
# deploy/OPERATOR.md. `.ci/run` builds this image when a Docker engine is available.

# Both stages use the same Debian release, so the binary finds the glibc it was built with.
FROM rust:1.95-slim-trixie AS build
WORKDIR /src
COPY Cargo.toml Cargo.lock ./
COPY bot bot
# Cargo.toml lists the test targets; their files must exist for the manifest to load.
COPY tests tests
RUN cargo build --release --locked --bin haven

FROM debian:trixie-slim
# A fixed uid, so the volume's owner is the same on every host.
RUN useradd --system --uid 10001 --user-group --no-create-home --home-dir /nonexistent \
        --shell /usr/sbin/nologin haven \
    && install -d -o 10001 -g 10001 -m 0700 /data
COPY --from=build /src/target/release/haven /opt/haven/haven
COPY flows /opt/haven/flows
COPY locales /opt/haven/locales
WORKDIR /opt/haven
ENV HAVEN_DATA=/data \
    HAVEN_FLOWS=/opt/haven/flows \
    HAVEN_LOCALES=/opt/haven/locales \
    HAVEN_LISTEN=0.0.0.0:8080
USER 10001:10001
# Sessions, sealed transcripts, the key file, counselor accounts, the directory: all here.
VOLUME ["/data"]
EXPOSE 8080
STOPSIGNAL SIGTERM
ENTRYPOINT ["/opt/haven/haven"]
CMD ["serve"]
