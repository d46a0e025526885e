/**
 * The Stele log server: {@link dev.stele.server.Main} reads the configuration ({@link
 * dev.stele.server.ServerConfig}), runs the start-up self-check on the store ({@code LogLoader}),
 * starts the sequencer, the read side and the HTTP verticles, and on SIGTERM closes them in
 * reverse order. The write path, the thread map and the durability contract are in the module's
 * README.md.
 */
package dev.stele.server;
