package org.kohsuke.stapler;

// Compile-only stand-in of the real Jenkins type (see ../signatures.tsv). No logic; never packaged.
public class HttpResponses {
    HttpResponses() {}

    public abstract static class HttpResponseException extends RuntimeException implements HttpResponse {
        HttpResponseException() {}
    }

    public static HttpResponseException errorWithoutStack(int code, String errorMessage) { throw new UnsupportedOperationException(); }
    public static HttpResponse redirectToDot() { throw new UnsupportedOperationException(); }
}
