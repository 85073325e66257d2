package hudson.util;

import java.io.IOException;

// Compile-only stand-in of the real Jenkins type (see ../signatures.tsv). No logic; never packaged.
// The real class also implements Stapler's HttpResponse (outside the signature reference): a web method may return it.
public abstract class FormValidation extends IOException {
    FormValidation() {}
    public static FormValidation okWithMarkup(String html) { throw new UnsupportedOperationException(); }
    public static FormValidation errorWithMarkup(String html) { throw new UnsupportedOperationException(); }
}
