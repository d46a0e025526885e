/**
 * The Rekor v1 REST API client ({@link dev.stele.client.rekor.RekorClient}) on
 * {@code java.net.http}: timeouts, retries with backoff on network errors, 429 and 5xx only,
 * {@code 409} as "already recorded", and answers checked against the question. Proposed entries
 * are built by {@link dev.stele.client.rekor.ProposedEntries}.
 */
package dev.stele.client.rekor;
