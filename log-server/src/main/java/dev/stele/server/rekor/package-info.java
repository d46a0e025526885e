/**
 * The Rekor v1 REST API as thin Vert.x handlers: {@link dev.stele.server.rekor.RekorRoutes}
 * (create, get, retrieve, log info, consistency proof, public key) and {@link
 * dev.stele.server.rekor.SearchRoutes} (the index search). They read path and query parameters on
 * the event loop, send JSON parsing, store reads and proofs to the read pool and signature checks
 * to the verify pool, and write the wire JSON of the client library's {@code RekorJson}.
 */
package dev.stele.server.rekor;
