package dev.stele.merkle;

/** Receives each new perfect node that a {@link CompactRange} computes. */
@FunctionalInterface
public interface NodeVisitor {
  /** Called once per node, in the order the nodes are computed (children before parents). */
  void visit(NodeId id, Hash hash);
}
