# Shared by the launchers in bin/: build a module when needed, and print its class path.
# The class path is the module's jar plus target/lib/*, the same layout the container images use.

stele_jar() { # root module
  local artifact="stele-$2"
  echo "$1/$2/target/$artifact.jar"
}

stele_build_if_needed() { # root module
  local root="$1" module="$2" jar
  jar="$(stele_jar "$root" "$module")"
  if [ ! -f "$jar" ] || [ -n "$(find "$root/pom.xml" "$root/merkle" "$root/log-client" "$root/$module" \
        -path '*/target' -prune -o \( -name '*.java' -o -name 'pom.xml' -o -path '*/src/main/resources/*' \) \
        -newer "$jar" -print -quit 2>/dev/null)" ]; then
    echo "stele: building $module (./mvnw -q -DskipTests package)..." >&2
    (cd "$root" && ./mvnw -B -q -DskipTests -pl "$module" -am package) >&2
  fi
}

stele_classpath() { # root module
  echo "$(stele_jar "$1" "$2"):$1/$2/target/lib/*"
}

stele_java() { # prints the java to run: $STELE_JAVA, else the newest JDK (17 or later) installed, else java
  if [ -n "${STELE_JAVA:-}" ]; then echo "$STELE_JAVA"; return; fi
  # Newer JDKs run the same Java 17 bytecode faster (Bouncy Castle's ECDSA: -28 % CPU on JDK 25
  # against 17, bench/README.md), so the launcher takes the newest one it finds.
  local best="" best_major=0 release major
  for release in /usr/lib/jvm/*/release /opt/java/*/release "${JAVA_HOME:-/nonexistent}/release"; do
    [ -f "$release" ] && [ -x "$(dirname "$release")/bin/java" ] || continue
    major="$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$release")"
    if [ -n "$major" ] && [ "$major" -ge 17 ] && [ "$major" -gt "$best_major" ]; then
      best="$(dirname "$release")/bin/java"; best_major="$major"
    fi
  done
  echo "${best:-java}"
}

stele_cds() { # java archive [args...]: sets the array cds_flags to the JVM flags for class data sharing when the args start a server
  # JDK 19 and later archive the classes a run loaded when it exits (AutoCreateSharedArchive)
  # and map them at the next start, instead of reading and verifying them from the jars again:
  # about a quarter of a server start's CPU (bench/README.md). The JVM makes a new archive when
  # the JDK or the jars change. Only when serving: the first --help or subcommand would
  # otherwise fill the archive with its own few classes, and the archive is not remade for that.
  local java="$1" archive="$2" release major
  shift 2
  cds_flags=()
  case "${1:-}" in ""|-*) ;; *) return 0 ;; esac
  case " $* " in *" --help "*|*" -h "*|*" --version "*|*" -V "*) return 0 ;; esac
  release="$(dirname "$(dirname "$(readlink -f "$(command -v "$java")")")")/release"
  major="$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$release" 2>/dev/null || true)"
  [ -n "$major" ] && [ "$major" -ge 19 ] || return 0
  # -Xlog: the archive's notes (classes it skipped) would go to the server's standard output.
  cds_flags=(-XX:+AutoCreateSharedArchive "-XX:SharedArchiveFile=$archive" '-Xlog:cds*=off')
}
