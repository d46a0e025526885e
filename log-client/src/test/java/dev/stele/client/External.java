package dev.stele.client;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * A test that needs a program besides the JDK: Debian's docker-registry, skopeo or umoci, openssl,
 * or Node.js with npm. It carries the JUnit tag {@code external}, which {@code ./mvnw verify}
 * leaves out and {@code ./mvnw verify -Pe2e} runs (the root pom.xml), so that the default build
 * needs nothing but a JDK. Under the profile a missing program fails the test with how to install
 * it; nothing is skipped. Shared with e2e/ through log-client's test jar.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Tag(External.TAG)
public @interface External {
  /** The JUnit tag, as the Maven builds name it (stele.test.groups, stele.test.excludedGroups). */
  String TAG = "external";
}
