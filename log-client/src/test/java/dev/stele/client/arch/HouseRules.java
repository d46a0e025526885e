package dev.stele.client.arch;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.fields;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.AccessTarget;
import com.tngtech.archunit.core.domain.JavaAccess;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaConstructorCall;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.domain.JavaStaticInitializer;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.security.MessageDigest;
import java.security.Provider;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The house rules of STYLE.md as architecture rules, shared by every module's architecture test
 * (this class travels in log-client's test jar). Each rule names the one home of a concept;
 * a module's test applies the rules with the homes and the allow-list that fit it.
 *
 * <p>An allow-list names classes that break a rule today and are being reworked elsewhere: they
 * are left out of the rule, every entry says why, and {@link #checkAllowListed} fails when an
 * entry no longer names a class, so the lists shrink as the code is fixed.
 */
public final class HouseRules {
  private HouseRules() {}

  /** The one home of base64 and hexadecimal text, and of DER certificate parsing. */
  public static final String ENCODINGS = "dev.stele.client.protocol.Encodings";
  public static final String DER = "dev.stele.client.protocol.Der";
  /** The one configured Jackson mapper, for the client, the server and the monitor alike. */
  public static final String JSON_HOME = "dev.stele.client.protocol.ProtocolJson";
  /** merkle cannot call log-client: its Hash keeps its own hex and base64 forms of a hash. */
  public static final String MERKLE_HASH = "dev.stele.merkle.Hash";
  /** SHA-256 of tree data (RFC 6962), and the signature digests SHA-256/384/512. */
  public static final Set<String> DIGEST_HOMES =
      Set.of("dev.stele.merkle.Rfc6962", "dev.stele.client.crypto.HashAlgorithm");

  // ---- dependencies ---------------------------------------------------------------------------

  /** Library code runs anywhere: no event loop, no embedded store (ARCHITECTURE.md, STYLE.md 3.2). */
  public static ArchRule noVertxNorRocksDb(String... packages) {
    return noClasses().that().resideInAnyPackage(packages)
        .should().dependOnClassesThat().resideInAnyPackage("io.vertx..", "org.rocksdb..")
        .because("the protocol library, the verifier and the Merkle code must not depend on a server runtime");
  }

  /** RocksDB stays behind the one store adapter. */
  public static ArchRule rocksDbOnlyIn(String storagePackage, String... packages) {
    return noClasses().that().resideInAnyPackage(packages).and().resideOutsideOfPackage(storagePackage)
        .should().dependOnClassesThat().resideInAPackage("org.rocksdb..")
        .because("one class owns every native handle and translates RocksDB errors (STYLE.md 1.7)");
  }

  /** {@code new ObjectMapper()}, {@code JsonMapper.builder()} and friends only in the JSON home. */
  public static ArchRule jacksonMappersOnlyInTheJsonHome(Map<String, String> allowList, String... packages) {
    return noClasses().that().resideInAnyPackage(packages).and(not(named(JSON_HOME))).and(not(in(allowList)))
        .should().callConstructorWhere(constructs("com.fasterxml.jackson.databind.ObjectMapper")
            .or(constructs("com.fasterxml.jackson.core.JsonFactory")))
        .orShould().callMethodWhere(calls("com.fasterxml.jackson.databind.ObjectMapper", "builder")
            .or(calls("com.fasterxml.jackson.core.JsonFactory", "builder")))
        .because("one configured mapper per side (strict reading, deterministic writing): "
            + JSON_HOME);
  }

  /** {@code java.util.Base64} and {@code HexFormat} only in {@link #ENCODINGS} (and merkle's Hash). */
  public static ArchRule base64AndHexOnlyInEncodings(Map<String, String> allowList, String... packages) {
    return noClasses().that().resideInAnyPackage(packages)
        .and(not(named(ENCODINGS))).and(not(named(MERKLE_HASH))).and(not(in(allowList)))
        .should().dependOnClassesThat().belongToAnyOf(Base64.class, HexFormat.class)
        .because("each text form of bytes has one decoder, with one rule for alphabet, padding and length: "
            + ENCODINGS);
  }

  /** {@code CertificateFactory} only in {@link #DER}; PEM only through {@code protocol.Pem}. */
  public static ArchRule certificatesAndPemOnlyInProtocol(Map<String, String> allowList, String... packages) {
    return noClasses().that().resideInAnyPackage(packages).and(not(named(DER))).and(not(in(allowList)))
        .should().dependOnClassesThat().belongToAnyOf(CertificateFactory.class)
        .orShould().dependOnClassesThat().resideInAnyPackage("org.bouncycastle.openssl..", "org.bouncycastle.util.io.pem..")
        .because("DER certificates are parsed in " + DER + " (exactly one DER structure, no trailing bytes)"
            + " and PEM in dev.stele.client.protocol.Pem");
  }

  /** Digests are created only in {@link #DIGEST_HOMES}; {@code MessageDigest.isEqual} is fine anywhere. */
  public static ArchRule digestsOnlyInTheirHomes(Map<String, String> allowList, String... packages) {
    return noClasses().that().resideInAnyPackage(packages).and(not(namedAnyOf(DIGEST_HOMES))).and(not(in(allowList)))
        .should().callMethodWhere(calls(MessageDigest.class.getName(), "getInstance"))
        .because("SHA-256 of tree data is merkle's Rfc6962, signature digests are crypto.HashAlgorithm");
  }

  /**
   * In the log server, blocking work goes to a named worker pool ({@code LogServices.verifyPool}
   * or {@code readPool}), never to Vert.x's shared default pool through {@code Vertx} or
   * {@code Context}, and only from the HTTP handler packages.
   */
  public static ArchRule executeBlockingOnlyOnNamedPools(Set<String> handlerPackages, String... packages) {
    DescribedPredicate<JavaMethodCall> onDefaultPool = calls("io.vertx.core.Vertx", "executeBlocking")
        .or(calls("io.vertx.core.Context", "executeBlocking"));
    DescribedPredicate<JavaMethodCall> onNamedPool = calls("io.vertx.core.WorkerExecutor", "executeBlocking");
    return noClasses().that().resideInAnyPackage(packages)
        .should().callMethodWhere(onDefaultPool)
        .orShould().callMethodWhere(onNamedPool.and(DescribedPredicate.describe(
            "from outside " + handlerPackages, call -> !handlerPackages.contains(call.getOriginOwner().getPackageName()))))
        .because("a named pool has its size and its ordering chosen on purpose (STYLE.md 1.6, 3.2 item 2)");
  }

  // ---- static state -----------------------------------------------------------------------------

  /**
   * No static mutable state: every static field is final; none is an atomic, an array visible
   * outside its class, or a collection that its class builds mutable (a constructor call of a
   * {@code Map} or {@code Collection} class in the static initializer). Per-thread scratch
   * objects ({@code ThreadLocal}) and security providers are not state shared between callers.
   */
  public static ArchRule noStaticMutableState(Map<String, String> allowList, String... packages) {
    return fields().that().areStatic().and().areDeclaredInClassesThat().resideInAnyPackage(packages)
        .and().areDeclaredInClassesThat(not(in(allowList)))
        .and(DescribedPredicate.describe("are not compiler-generated",
            (JavaField f) -> !f.getModifiers().contains(JavaModifier.SYNTHETIC)))
        .should(holdNoMutableState())
        .because("state kept in static fields is shared by every caller in the process and has no owner"
            + " to bound or close it (STYLE.md section 4)");
  }

  private static ArchCondition<JavaField> holdNoMutableState() {
    return new ArchCondition<>("be final and hold no mutable collection, atomic or shared array") {
      @Override
      public void check(JavaField field, ConditionEvents events) {
        List<String> problems = new ArrayList<>();
        Set<JavaModifier> modifiers = field.getModifiers();
        JavaClass type = field.getRawType();
        if (!modifiers.contains(JavaModifier.FINAL)) {
          problems.add("is not final");
        }
        if (type.isArray() && !modifiers.contains(JavaModifier.PRIVATE)) {
          problems.add("is an array that other classes can change");
        }
        if (type.getPackageName().equals("java.util.concurrent.atomic")) {
          problems.add("is an atomic (" + type.getSimpleName() + ")");
        }
        boolean collection = (type.isAssignableTo(Map.class) || type.isAssignableTo(Collection.class))
            && !type.isAssignableTo(Provider.class);
        if (collection) {
          Optional<JavaStaticInitializer> init = field.getOwner().getStaticInitializer();
          for (JavaConstructorCall call : init.map(JavaStaticInitializer::getConstructorCallsFromSelf).orElse(Set.of())) {
            JavaClass built = call.getTargetOwner();
            if (built.isAssignableTo(Map.class) || built.isAssignableTo(Collection.class)) {
              // The class, not the field: bytecode does not say which value went where. A class
              // that needs a temporary collection to build an immutable one can move it to a method.
              problems.add("is a collection, and its class builds a mutable " + built.getSimpleName() + " "
                  + call.getSourceCodeLocation() + "; use Map.of/List.of/Set.copyOf, or an object its user owns");
              break;
            }
          }
        }
        for (String p : problems) {
          events.add(SimpleConditionEvent.violated(field, "static field " + field.getFullName() + " " + p));
        }
      }
    };
  }

  // ---- allow-lists ------------------------------------------------------------------------------

  /**
   * Fails if an allow-list names a class that is no longer among {@code classes}: the class was
   * renamed or removed, so its entry must go.
   */
  public static void checkAllowListed(JavaClasses classes, Map<String, String> allowList) {
    List<String> stale = new ArrayList<>();
    for (String name : allowList.keySet()) {
      if (!classes.contain(name)) {
        stale.add(name);
      }
    }
    if (!stale.isEmpty()) {
      throw new AssertionError("allow-list entries that name no class any more (remove them): " + stale);
    }
  }

  // ---- predicates -------------------------------------------------------------------------------

  private static DescribedPredicate<JavaClass> named(String name) {
    return namedAnyOf(Set.of(name));
  }

  /** The class, or a class nested in it (lambdas and inner classes belong to their top class). */
  private static DescribedPredicate<JavaClass> namedAnyOf(Set<String> names) {
    return DescribedPredicate.describe("named " + names, c -> names.contains(topLevel(c).getName()));
  }

  private static DescribedPredicate<JavaClass> in(Map<String, String> allowList) {
    return DescribedPredicate.describe("allow-listed", c -> allowList.containsKey(topLevel(c).getName()));
  }

  private static JavaClass topLevel(JavaClass c) {
    JavaClass top = c;
    while (top.getEnclosingClass().isPresent()) {
      top = top.getEnclosingClass().get();
    }
    return top;
  }

  private static DescribedPredicate<JavaConstructorCall> constructs(String owner) {
    return DescribedPredicate.describe("new " + owner + "(...) or a subclass",
        call -> call.getTargetOwner().isAssignableTo(owner));
  }

  private static DescribedPredicate<JavaMethodCall> calls(String owner, String method) {
    return DescribedPredicate.describe(owner + "." + method + "(...)", call -> isCall(call, owner, method));
  }

  private static boolean isCall(JavaAccess<? extends AccessTarget> call, String owner, String method) {
    return call.getTarget().getName().equals(method) && call.getTargetOwner().isAssignableTo(owner);
  }
}
