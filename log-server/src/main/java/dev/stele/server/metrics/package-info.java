/**
 * Every meter the server publishes, in one class ({@link
 * dev.stele.server.metrics.ServerMetrics}), and the Prometheus registry behind {@code GET
 * /metrics}.
 */
package dev.stele.server.metrics;
