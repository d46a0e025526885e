/**
 * The HTTP shell: {@link dev.stele.server.http.HttpVerticle} builds the router (routes, body
 * limit, one failure handler) and listens; {@link dev.stele.server.http.ErrorMapper} is that
 * failure handler, turning domain exceptions into statuses and Rekor's {@code {code, message}}
 * bodies; {@link dev.stele.server.http.RequestGuards} is admission control (connections,
 * deadlines, verification slots, body limits, with its {@link
 * dev.stele.server.http.RequestLimits}); {@link dev.stele.server.http.LogServices} is what every
 * handler works with. The handlers themselves are in {@code rekor} and {@code tiles}.
 */
package dev.stele.server.http;
