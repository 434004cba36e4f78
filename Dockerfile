# Concord in a container: the same two commands as on a host, `npm ci` and `npm start`.
#   docker build -t concord .
#   docker run -d -p 3443:3443 -v concord-data:/data -e ADDIN_BASE_URL=https://concord.example.com:3443 \
#     -e TLS_HOSTNAMES=concord.example.com concord
FROM golang:1.24-bookworm AS go

FROM node:22-bookworm-slim
# Go builds the embedded FerretDB (tools/ferretdb) once, here, not at the first start.
COPY --from=go /usr/local/go /usr/local/go
ENV PATH=/usr/local/go/bin:$PATH
WORKDIR /opt/concord
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN npm run build && node tools/build-server.mjs \
  && node --import tsx -e 'import("./server/db/ferretdb.ts").then((m) => m.ensureFerretDbBinary(console.log))' \
  && useradd --system --home /data concord && mkdir -p /data && chown concord /data
USER concord
ENV DATA_DIR=/data PORT=3443 NPM_CONFIG_CACHE=/tmp/npm-cache NPM_CONFIG_UPDATE_NOTIFIER=false
VOLUME /data
EXPOSE 3443
# npm forwards SIGTERM to the server (the start script execs node), which stops the database itself.
STOPSIGNAL SIGTERM
CMD ["npm", "start"]
