package io.mmdeploy.engine.vulnerabilities;

import com.google.api.gax.rpc.ApiException;
import io.grafeas.v1.DiscoveryOccurrence;
import io.grafeas.v1.GrafeasClient;
import io.grafeas.v1.Occurrence;
import io.grafeas.v1.ProjectName;
import io.grafeas.v1.Severity;
import io.grafeas.v1.Version;
import io.grafeas.v1.VulnerabilityOccurrence;
import io.mmdeploy.engine.gcp.ApiFailure;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Artifact Analysis' occurrences of one image, in the project that owns its registry, through the Grafeas client. */
public final class ArtifactAnalysis {
    private static final String READER_ROLE = "roles/containeranalysis.occurrences.viewer";
    private final GrafeasClient grafeas;

    public ArtifactAnalysis(GrafeasClient grafeas) {
        this.grafeas = grafeas;
    }

    /** {@code https://<repository>@sha256:…}: how Artifact Analysis names a pushed image. */
    public static String resourceUri(String repository, String digest) {
        return "https://" + repository + "@" + digest;
    }

    /** The image's discovery occurrence: whether its scan is pending, running or done; empty before the scan starts. */
    public Optional<DiscoveryOccurrence> discovery(String projectId, String resourceUri) {
        for (Occurrence o : list(projectId, resourceUri, "DISCOVERY")) {
            if (o.hasDiscovery()) {
                return Optional.of(o.getDiscovery());
            }
        }
        return Optional.empty();
    }

    public List<Finding> findings(String projectId, String resourceUri) {
        List<Finding> out = new ArrayList<>();
        for (Occurrence o : list(projectId, resourceUri, "VULNERABILITY")) {
            VulnerabilityOccurrence v = o.getVulnerability();
            Severity severity = v.getEffectiveSeverity() != Severity.SEVERITY_UNSPECIFIED ? v.getEffectiveSeverity() : v.getSeverity();
            String id = o.getNoteName().isEmpty() ? v.getShortDescription() : o.getNoteName().substring(o.getNoteName().lastIndexOf('/') + 1);
            if (v.getPackageIssueCount() == 0) {
                out.add(new Finding(id, name(severity), "(no package named)", null));
            }
            for (VulnerabilityOccurrence.PackageIssue issue : v.getPackageIssueList()) {
                String installed = version(issue.getAffectedVersion());
                String fixed = issue.getFixAvailable() || v.getFixAvailable() ? version(issue.getFixedVersion()) : null;
                out.add(new Finding(id, name(severity), issue.getAffectedPackage() + (installed == null ? "" : " " + installed), fixed));
            }
        }
        return out;
    }

    private List<Occurrence> list(String projectId, String resourceUri, String kind) {
        String filter = "resourceUrl=\"" + resourceUri + "\" AND kind=\"" + kind + "\"";
        try {
            List<Occurrence> out = new ArrayList<>();
            grafeas.listOccurrences(ProjectName.of(projectId), filter).iterateAll().forEach(out::add);
            return out;
        } catch (ApiException e) {
            throw ApiFailure.of("read Artifact Analysis' " + kind.toLowerCase(java.util.Locale.ROOT) + " occurrences", resourceUri, READER_ROLE, e);
        }
    }

    private static String version(Version v) {
        if (v == null || (v.getName().isEmpty() && v.getFullName().isEmpty())) {
            return null;
        }
        return v.getFullName().isEmpty() ? v.getName() : v.getFullName();
    }

    private static String name(Severity severity) {
        return severity == Severity.SEVERITY_UNSPECIFIED || severity == Severity.UNRECOGNIZED ? "UNSPECIFIED" : severity.name();
    }
}
