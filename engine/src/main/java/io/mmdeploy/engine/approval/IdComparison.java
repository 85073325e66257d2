package io.mmdeploy.engine.approval;

import java.util.Locale;

/**
 * How the host tells whether two user ids, or two group names, are the same (Jenkins: its security realm's id
 * strategies; most realms compare case-insensitively, some do not).
 */
public interface IdComparison {
    boolean sameUser(String a, String b);

    boolean sameGroup(String a, String b);

    /** What Jenkins' default strategy does: case-insensitive ids and group names. */
    static IdComparison caseInsensitive() {
        return new IdComparison() {
            @Override
            public boolean sameUser(String a, String b) {
                return a.toLowerCase(Locale.ROOT).equals(b.toLowerCase(Locale.ROOT));
            }

            @Override
            public boolean sameGroup(String a, String b) {
                return sameUser(a, b);
            }
        };
    }
}
