/**
 * The Rekor v1 REST API client ({@link dev.stele.client.rekor.RekorClient}) on the one
 * {@link dev.stele.client.http.HttpTransport}: deadlines, retries with backoff on network errors,
 * 429 and 5xx only, {@code 409} as "already recorded", and answers checked against the question.
 * {@link dev.stele.client.rekor.LogClientException} says how any read of a log failed, through
 * either of its faces. Proposed entries are built by {@link dev.stele.client.rekor.ProposedEntries}.
 */
package dev.stele.client.rekor;
