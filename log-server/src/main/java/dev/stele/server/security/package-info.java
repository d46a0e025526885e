/**
 * What the server reads to expose itself safely, without Vert.x handlers: {@link
 * dev.stele.server.security.TlsMaterial} (a listener's certificate, key and client CAs, checked
 * to belong together), {@link dev.stele.server.security.TokenFile} (names and SHA-256 hashes of
 * bearer tokens, compared in constant time) and {@link dev.stele.server.security.Reloader} (puts
 * changed files to use while the log serves, on a file change or SIGHUP). The handlers that use
 * them are in {@code http}: {@code AccessControl}, {@code Surface}, {@code AdminVerticle}.
 */
package dev.stele.server.security;
