package io.mmdeploy.engine.gcp.fake;

import io.grafeas.v1.DiscoveryOccurrence;
import io.grafeas.v1.DiscoveryOccurrence.AnalysisStatus;
import io.grafeas.v1.GrafeasGrpc;
import io.grafeas.v1.ListOccurrencesRequest;
import io.grafeas.v1.ListOccurrencesResponse;
import io.grafeas.v1.NoteKind;
import io.grafeas.v1.Occurrence;
import io.grafeas.v1.Severity;
import io.grafeas.v1.Version;
import io.grafeas.v1.VulnerabilityOccurrence;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Artifact Analysis' Grafeas API as Container Analysis serves it: occurrences by project, listed with the filter
 * {@code resourceUrl="…" AND kind="…"}. Each image's scan is scripted: a sequence of discovery states (the last one
 * stays), and its vulnerabilities once the scan finished. With {@link #scanEverything}, an image nobody scripted is
 * scanned at once and clean, as the world's pushes are.
 */
public final class FakeGrafeas extends GrafeasGrpc.GrafeasImplBase {
    private static final Pattern FILTER = Pattern.compile("resourceUrl=\"([^\"]+)\" AND kind=\"([A-Z_]+)\"");

    private final Map<String, Deque<AnalysisStatus>> scans = new ConcurrentHashMap<>();
    private final Map<String, List<Occurrence>> vulnerabilities = new ConcurrentHashMap<>();
    private final Map<String, String> projects = new ConcurrentHashMap<>();
    public final AtomicInteger discoveryReads = new AtomicInteger();
    private volatile boolean scanEverything;

    public void scanEverything(boolean on) {
        scanEverything = on;
    }

    /** The image's scan goes through these states, one per read of its discovery occurrence; the last stays. */
    public void scan(String projectId, String resourceUri, AnalysisStatus... states) {
        projects.put(resourceUri, projectId);
        scans.put(resourceUri, new ConcurrentLinkedDeque<>(List.of(states)));
    }

    /**
     * @param resourceUri one image ({@code https://repo@sha256:…}), or every image of a repository ({@code https://repo})
     */
    public void vulnerability(String resourceUri, String id, Severity severity, String pkg, String installed, String fixed) {
        VulnerabilityOccurrence.PackageIssue.Builder issue = VulnerabilityOccurrence.PackageIssue.newBuilder()
                .setAffectedPackage(pkg).setAffectedVersion(Version.newBuilder().setName(installed).setFullName(installed));
        if (fixed != null) {
            issue.setFixAvailable(true).setFixedVersion(Version.newBuilder().setName(fixed).setFullName(fixed));
        }
        Occurrence o = Occurrence.newBuilder().setResourceUri(resourceUri).setKind(NoteKind.VULNERABILITY)
                .setNoteName("projects/goog-vulnz/notes/" + id)
                .setVulnerability(VulnerabilityOccurrence.newBuilder().setSeverity(severity).setEffectiveSeverity(severity)
                        .setShortDescription(id).setFixAvailable(fixed != null).addPackageIssue(issue))
                .build();
        vulnerabilities.computeIfAbsent(resourceUri, k -> new java.util.concurrent.CopyOnWriteArrayList<>()).add(o);
    }

    @Override
    public void listOccurrences(ListOccurrencesRequest request, StreamObserver<ListOccurrencesResponse> response) {
        Matcher m = FILTER.matcher(request.getFilter());
        if (!m.matches()) {
            response.onError(Status.INVALID_ARGUMENT.withDescription("unsupported filter " + request.getFilter()).asRuntimeException());
            return;
        }
        String uri = m.group(1);
        String project = request.getParent().substring("projects/".length());
        String owner = projects.get(uri);
        List<Occurrence> out = new ArrayList<>();
        if (owner != null && !owner.equals(project)) {
            // Occurrences live in the project of the registry that holds the image.
            response.onNext(ListOccurrencesResponse.getDefaultInstance());
            response.onCompleted();
            return;
        }
        if (m.group(2).equals("DISCOVERY")) {
            discoveryReads.incrementAndGet();
            Deque<AnalysisStatus> states = scans.get(uri);
            AnalysisStatus status = states == null ? (scanEverything ? AnalysisStatus.FINISHED_SUCCESS : null)
                    : states.size() > 1 ? states.poll() : states.peek();
            if (status != null) {
                out.add(Occurrence.newBuilder().setResourceUri(uri).setKind(NoteKind.DISCOVERY)
                        .setDiscovery(DiscoveryOccurrence.newBuilder().setAnalysisStatus(status)).build());
            }
        } else if (m.group(2).equals("VULNERABILITY")) {
            out.addAll(vulnerabilities.getOrDefault(uri, List.of()));
            out.addAll(vulnerabilities.getOrDefault(uri.substring(0, Math.max(0, uri.indexOf('@'))), List.of()));
        }
        response.onNext(ListOccurrencesResponse.newBuilder().addAllOccurrences(out).build());
        response.onCompleted();
    }
}
