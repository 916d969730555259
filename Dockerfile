# stagecraft-encore: Node, a pinned and checksum-verified Encore CLI, a Docker CLI and the
# stagecraft-encore runner, for running Encore.ts backends (`dev`) and building their
# images (`build`).
#
#   docker buildx build -t stagecraft-encore:local .
#
# Behind a TLS-intercepting proxy, hand its CA to the downloading steps as a BuildKit
# secret; it is mounted only while they run and never stored in a layer:
#
#   docker buildx build --secret id=extra_ca,src=/path/to/proxy-ca.pem -t stagecraft-encore:local .
#
# Offline (air-gapped): put the official encore-<version>-linux_<arch>.tar.gz in
# vendor/encore/. It is verified like a download.
#
# Labels: --build-arg VERSION=<release> --build-arg REVISION="$(git rev-parse HEAD)"
# --build-arg SOURCE=<repository URL>.
#
# No `# syntax=` line on purpose: the engine's built-in Dockerfile frontend handles every
# instruction here, and a syntax line would make BuildKit pull a frontend image, which an
# air-gapped builder cannot.

ARG NODE_IMAGE=node:24-bookworm-slim
# The base of the stages that make plain JavaScript (deps, build). They run on the builder's
# own platform, so a cross-platform build (arm64 on amd64) emulates none of them. A
# multi-platform NODE_IMAGE such as node's serves both; set this only when NODE_IMAGE has
# the target platform alone.
ARG BUILD_NODE_IMAGE=${NODE_IMAGE}
# The Encore CLI release; examples/hello pins encore.dev to the same version. Moving it needs
# its checksums in data/encore-release-sha256.tsv (see README, "Encore versions").
# renovate: datasource=github-releases depName=encoredev/encore extractVersion=^v(?<version>.+)$
ARG ENCORE_VERSION=1.56.4

# --- The Encore CLI, verified against data/encore-release-sha256.tsv (or ENCORE_SHA256).
FROM ${NODE_IMAGE} AS encore
ARG ENCORE_VERSION
# Overrides the table, e.g. for a release newer than it. Empty: use the table.
ARG ENCORE_SHA256=
ARG TARGETARCH
COPY docker/install-encore.sh data/encore-release-sha256.tsv /tmp/
# vendor/encore/ always exists (it holds a .gitkeep), so the bind mount never fails.
RUN --mount=type=bind,source=vendor/encore,target=/vendor \
    --mount=type=secret,id=extra_ca,required=false \
    ENCORE_VERSION="$ENCORE_VERSION" ENCORE_SHA256="$ENCORE_SHA256" TARGETARCH="$TARGETARCH" \
    CHECKSUMS=/tmp/encore-release-sha256.tsv VENDOR_DIR=/vendor ENCORE_PREFIX=/opt/encore \
    sh /tmp/install-encore.sh

# --- The Docker CLI alone. Encore's daemon shells out to `docker` (databases) and talks
# to the engine's API (`encore build docker`); it needs no engine in this container.
# Bookworm's docker.io package is the whole engine (dockerd, containerd, runc);
# trixie's docker-cli is the client alone, needs only glibc >= 2.34 and runs on bookworm.
# Only its binary is taken: no trixie package is installed, and this stage's apt knows
# trixie alone (apt verifies its signed index with the base image's Debian keyring).
FROM ${NODE_IMAGE} AS docker-cli
RUN set -eu; \
    rm -f /etc/apt/sources.list /etc/apt/sources.list.d/*; \
    echo 'deb http://deb.debian.org/debian trixie main' > /etc/apt/sources.list.d/trixie.list; \
    apt-get update -qq; \
    mkdir -p /tmp/deb && chmod 0777 /tmp/deb && cd /tmp/deb; \
    apt-get download -qq docker-cli/trixie; \
    dpkg-deb --extract docker-cli_*.deb /tmp/docker-cli; \
    install -D -m 0755 /tmp/docker-cli/usr/bin/docker /out/docker; \
    /out/docker --version

# --- Production dependencies of the runner. package.json and the lock file come first, so
# a change under src/ reuses this layer. With --ignore-scripts and --omit=optional nothing
# platform-specific gets in (native parts come through install scripts or optional
# per-platform packages), so this stage, too, runs on the builder's platform.
FROM --platform=$BUILDPLATFORM ${BUILD_NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# --omit=optional as well as dev: typescript is a dev dependency that is also an optional
# peer of valibot, which npm keeps under --omit=dev alone (27 MB). No production
# dependency has optional native parts today; revisit if one is added.
RUN --mount=type=secret,id=extra_ca,required=false \
    --mount=type=cache,target=/root/.npm,sharing=locked \
    if [ -s /run/secrets/extra_ca ]; then export NODE_EXTRA_CA_CERTS=/run/secrets/extra_ca; fi; \
    npm ci --omit=dev --omit=optional --ignore-scripts --no-audit --no-fund --no-update-notifier --loglevel=error

# --- The runner bundled into one file, dist/main.cjs (esbuild): one file to load at start-up.
FROM --platform=$BUILDPLATFORM ${BUILD_NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=secret,id=extra_ca,required=false \
    --mount=type=cache,target=/root/.npm,sharing=locked \
    if [ -s /run/secrets/extra_ca ]; then export NODE_EXTRA_CA_CERTS=/run/secrets/extra_ca; fi; \
    npm ci --ignore-scripts --no-audit --no-fund --no-update-notifier --loglevel=error
COPY tsconfig.json ./
COPY scripts/build.ts scripts/
COPY src/ src/
RUN npm run build --silent

# --- The toolbox.
FROM ${NODE_IMAGE}

# tini: init and signal relay (the runner turns SIGTERM into Encore's graceful SIGINT).
# git (with the perl Debian's git needs, most of the tooling's weight) stays: Encore's daemon
# runs `git status`/`git show` for the commit it records in `encore run` and `encore build
# docker` (docs/encore-cli.md §Git), npm needs it for git dependencies, and the default
# `--tag` checks for uncommitted changes with it. ca-certificates: TLS for all of them.
# npm stays, and corepack puts pnpm and yarn on PATH (fetching the version an app's
# packageManager pins): the runner installs an app's packages with its own manager, and so
# does Encore when it rewrites package.json.
# The directories Docker turns into named volumes are created here, owned by node, so
# new volumes copy that ownership. pnpm reads its store location from its global rc (an
# npm_config_store_dir variable would make every npm call warn about an unknown setting).
RUN set -eu; \
    apt-get update -qq; \
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends tini git ca-certificates >/dev/null; \
    rm -rf /var/lib/apt/lists/* /var/cache/debconf/*-old /var/log/apt /var/log/dpkg.log; \
    corepack enable pnpm yarn; \
    install -d -o node -g node /workspace /workspace/node_modules \
        /home/node/.cache /home/node/.cache/encore /home/node/.cache/packages \
        /home/node/.config /home/node/.config/encore /home/node/.config/pnpm; \
    echo 'store-dir=/home/node/.cache/packages/pnpm-store' > /home/node/.config/pnpm/rc; \
    chown node:node /home/node/.config/pnpm/rc; \
    ln -s /opt/stagecraft-encore/bin/stagecraft-encore.js /usr/local/bin/stagecraft-encore

COPY --from=docker-cli /out/docker /usr/bin/docker
COPY --from=encore /opt/encore /opt/encore
COPY entrypoint.sh /usr/local/bin/entrypoint.sh
COPY docker/healthcheck.mjs /opt/stagecraft-encore/docker/healthcheck.mjs
COPY --from=deps /app/node_modules /opt/stagecraft-encore/node_modules
COPY package.json /opt/stagecraft-encore/package.json
COPY bin/ /opt/stagecraft-encore/bin/
COPY data/ /opt/stagecraft-encore/data/
COPY --from=build /app/dist /opt/stagecraft-encore/dist
# V8's code cache of the bundle, made by this image's own Node (bin/code-cache.cjs): every
# container, fresh ones included, starts the runner without compiling it.
RUN node /opt/stagecraft-encore/bin/code-cache.cjs /opt/stagecraft-encore/dist/main.cjs

ENV PATH=/opt/encore/bin:$PATH
# Every package manager's download cache under one directory, which compose keeps in a
# named volume: npm's cache, corepack's copies of pnpm and yarn, yarn 1's and yarn 2+'s caches
# (pnpm's store: see its rc above).
ENV npm_config_cache=/home/node/.cache/packages/npm \
    COREPACK_HOME=/home/node/.cache/packages/corepack \
    YARN_CACHE_FOLDER=/home/node/.cache/packages/yarn \
    YARN_GLOBAL_FOLDER=/home/node/.cache/packages/yarn-berry
WORKDIR /workspace

# No USER instruction: the container starts as root only so that the entrypoint can
# adapt the node user to what the host decides, namely the UID of the mounted project
# and the GID of a mounted Docker socket; it then drops to node before it runs anything,
# the runner, encore and passthrough commands alike (see entrypoint.sh). `--user node`
# also works, without those adaptations. `docker exec` bypasses the entrypoint: use
# `docker exec -u node`, or encore would start a second daemon as root.
#
# tini -s (subreaper) works as PID 1, and as PID 2 under compose's `init: true`
# (docker-init), without its warning.
ENTRYPOINT ["/usr/bin/tini", "-s", "--", "/usr/local/bin/entrypoint.sh"]
CMD ["dev"]

# Healthy once the dev server answers; the port follows dev.listen in stagecraft.yml or
# STAGECRAFT_HEALTHCHECK_URL (see docker/healthcheck.mjs). The start period covers the
# first run's package install and compile.
HEALTHCHECK --interval=10s --timeout=5s --start-period=180s --retries=3 \
    CMD ["node", "/opt/stagecraft-encore/docker/healthcheck.mjs"]

ARG ENCORE_VERSION
ARG VERSION=dev
ARG REVISION=unknown
ARG SOURCE=
LABEL org.opencontainers.image.title="stagecraft-encore" \
      org.opencontainers.image.description="Node, a pinned Encore CLI and the stagecraft-encore runner for Encore.ts backends" \
      org.opencontainers.image.licenses="MIT" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.source="${SOURCE}" \
      dev.encore.version="${ENCORE_VERSION}"
