package io.mmdeploy.engine.gcp.fake;

import com.google.cloud.run.v2.Condition;
import com.google.cloud.run.v2.Container;
import com.google.cloud.run.v2.Execution;
import com.google.cloud.run.v2.ExecutionTemplate;
import com.google.cloud.run.v2.ExecutionsGrpc;
import com.google.cloud.run.v2.GetExecutionRequest;
import com.google.cloud.run.v2.GetJobRequest;
import com.google.cloud.run.v2.GetRevisionRequest;
import com.google.cloud.run.v2.GetServiceRequest;
import com.google.cloud.run.v2.Job;
import com.google.cloud.run.v2.JobsGrpc;
import com.google.cloud.run.v2.ListRevisionsRequest;
import com.google.cloud.run.v2.ListRevisionsResponse;
import com.google.cloud.run.v2.Revision;
import com.google.cloud.run.v2.RevisionTemplate;
import com.google.cloud.run.v2.RevisionsGrpc;
import com.google.cloud.run.v2.RunJobRequest;
import com.google.cloud.run.v2.Service;
import com.google.cloud.run.v2.ServicesGrpc;
import com.google.cloud.run.v2.TaskTemplate;
import com.google.cloud.run.v2.TrafficTarget;
import com.google.cloud.run.v2.TrafficTargetAllocationType;
import com.google.cloud.run.v2.TrafficTargetStatus;
import com.google.cloud.run.v2.UpdateJobRequest;
import com.google.cloud.run.v2.UpdateServiceRequest;
import com.google.longrunning.Operation;
import com.google.protobuf.Timestamp;
import io.grpc.BindableService;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Cloud Run v2: services with revisions and traffic; jobs whose executions are long-running operations that
 * end as each job's {@link ExecutionOutcome} says.
 */
public final class FakeCloudRun {

    /** How the next executions of a job end. */
    public enum ExecutionOutcome {
        SUCCEED,
        /** A task exits non-zero; the operation completes with the failed execution as its response. */
        FAIL,
        /** Cancelled; the operation completes with a CANCELLED error. */
        CANCEL,
        /** Runs forever. */
        HANG
    }

    private final FakeOperations operations;
    private final Map<String, Service> services = new ConcurrentHashMap<>();
    private final Map<String, Revision> revisions = new ConcurrentHashMap<>();
    private final Map<String, Job> jobs = new ConcurrentHashMap<>();
    private final Map<String, Execution> executions = new ConcurrentHashMap<>();
    private final Map<String, ExecutionOutcome> outcomes = new ConcurrentHashMap<>();
    private final AtomicInteger executionIds = new AtomicInteger();
    /** Polls before an execution ends. */
    private volatile int executionPolls = 2;
    private volatile java.time.Duration executionLatency = java.time.Duration.ZERO;

    FakeCloudRun(FakeOperations operations) {
        this.operations = operations;
    }

    public static String serviceName(String project, String region, String service) {
        return "projects/" + project + "/locations/" + region + "/services/" + service;
    }

    public static String jobName(String project, String region, String job) {
        return "projects/" + project + "/locations/" + region + "/jobs/" + job;
    }

    /** A serving service whose traffic goes to its latest revision. */
    public void addService(String project, String region, String service, String uri) {
        String name = serviceName(project, region, service);
        services.put(name, Service.newBuilder().setName(name).setUri(uri)
                .addTraffic(TrafficTarget.newBuilder()
                        .setType(TrafficTargetAllocationType.TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST).setPercent(100))
                .build());
    }

    /** Cloud Run gives the service another URL (as when it is created anew). */
    public void setUri(String serviceName, String uri) {
        services.computeIfPresent(serviceName, (n, s) -> s.toBuilder().setUri(uri).build());
    }

    public void addRevision(String serviceName, String revision, String image, boolean ready, Instant created) {
        String name = serviceName + "/revisions/" + revision;
        revisions.put(name, Revision.newBuilder()
                .setName(name)
                .setService(serviceName)
                .addContainers(Container.newBuilder().setImage(image))
                .setCreateTime(Timestamp.newBuilder().setSeconds(created.getEpochSecond()).setNanos(created.getNano()))
                .addConditions(Condition.newBuilder().setType("Ready")
                        .setState(ready ? Condition.State.CONDITION_SUCCEEDED : Condition.State.CONDITION_FAILED)
                        .setMessage(ready ? "" : "Container failed to start"))
                .build());
        // As Cloud Run reports them: the newest revision, and the newest that became ready.
        services.computeIfPresent(serviceName, (n, s) -> {
            Service.Builder b = s.toBuilder().setLatestCreatedRevision(name);
            return (ready ? b.setLatestReadyRevision(name) : b).build();
        });
    }

    /** A new revision that never became Ready (its container did not start): the service's newest, not its latest ready. */
    public synchronized String addFailedRevision(String serviceName, String image, Instant at) {
        String id = nextRevision(serviceName);
        addRevision(serviceName, id, image, false, at);
        return id;
    }

    /** The short name Cloud Run gives the service's next revision here: {@code <service>-<n>-w}, counting from 1. */
    private String nextRevision(String serviceName) {
        long count = revisions.values().stream().filter(r -> r.getService().equals(serviceName)).count();
        return serviceName.substring(serviceName.lastIndexOf('/') + 1) + String.format("-%05d-w", count + 1);
    }

    /** What deleting a revision (or Cloud Run's revision garbage collection) does. */
    public void removeRevision(String serviceName, String revision) {
        revisions.remove(serviceName + "/revisions/" + revision);
    }

    public Service service(String name) {
        return services.get(name);
    }

    /**
     * What an apply that changes a service's image does: a new ready revision of that image, and the service's template
     * and traffic (all to the latest revision) as the tofu configuration declares them.
     *
     * @return the new revision's short name
     */
    public synchronized String deployImage(String serviceName, String image, Instant at) {
        String id = deployRevision(serviceName, image, at);
        services.put(serviceName, services.get(serviceName).toBuilder()
                .clearTraffic()
                .addTraffic(TrafficTarget.newBuilder().setType(TrafficTargetAllocationType.TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST).setPercent(100))
                .build());
        return id;
    }

    /**
     * What an apply does where OpenTofu leaves traffic alone ({@code ignore_changes = [traffic]}): a new ready revision
     * of the image and the template, and the traffic as it was (LATEST still follows the newest ready revision).
     *
     * @return the new revision's short name
     */
    public synchronized String deployRevision(String serviceName, String image, Instant at) {
        String id = nextRevision(serviceName);
        addRevision(serviceName, id, image, true, at);
        services.put(serviceName, services.get(serviceName).toBuilder()
                .setTemplate(RevisionTemplate.newBuilder().addContainers(Container.newBuilder().setImage(image)))
                .build());
        return id;
    }

    /** The traffic of a service as {@code revision=percent} (LATEST for the latest), with {@code #tag} where tagged. */
    public List<String> traffic(String serviceName) {
        return services.get(serviceName).getTrafficList().stream().map(t -> (t.getType() == TrafficTargetAllocationType.TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST
                ? "LATEST" : t.getRevision()) + "=" + t.getPercent() + (t.getTag().isEmpty() ? "" : "#" + t.getTag())).toList();
    }

    /** The image the service's template declares (what tofu last applied); empty before any. */
    public String templateImage(String serviceName) {
        Service service = services.get(serviceName);
        return service.getTemplate().getContainersCount() == 0 ? "" : service.getTemplate().getContainers(0).getImage();
    }

    /** Whether all traffic goes to the latest revision, as the tofu configuration declares. */
    public boolean trafficOnLatest(String serviceName) {
        List<TrafficTarget> traffic = services.get(serviceName).getTrafficList();
        return traffic.size() == 1 && traffic.get(0).getType() == TrafficTargetAllocationType.TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST;
    }

    /** The revision serving all traffic (short name): the newest ready one for LATEST, else the named one. */
    public String servingRevision(String serviceName) {
        Service service = services.get(serviceName);
        TrafficTarget t = service.getTraffic(0);
        if (t.getType() == TrafficTargetAllocationType.TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION) {
            return t.getRevision();
        }
        return revisionsOf(serviceName).stream()
                .filter(r -> r.getConditionsList().stream().anyMatch(c -> c.getState() == Condition.State.CONDITION_SUCCEEDED))
                .max(java.util.Comparator.comparingLong((Revision r) -> r.getCreateTime().getSeconds()).thenComparing(Revision::getName))
                .map(r -> r.getName().substring(r.getName().lastIndexOf('/') + 1)).orElse(null);
    }

    public List<Revision> revisionsOf(String serviceName) {
        return revisions.values().stream().filter(r -> r.getService().equals(serviceName)).sorted(java.util.Comparator.comparing(Revision::getName)).toList();
    }

    /** The image a revision runs. */
    public String revisionImage(String serviceName, String revision) {
        Revision r = revisions.get(serviceName + "/revisions/" + revision);
        return r == null ? null : r.getContainers(0).getImage();
    }

    /** What an apply of a job's image does. */
    public void setJobImage(String jobName, String image) {
        Job job = jobs.get(jobName);
        jobs.put(jobName, job.toBuilder().setTemplate(job.getTemplate().toBuilder().setTemplate(job.getTemplate().getTemplate().toBuilder()
                .setContainers(0, Container.newBuilder(job.getTemplate().getTemplate().getContainers(0)).setImage(image)))).build());
    }

    public String jobImage(String jobName) {
        return jobs.get(jobName).getTemplate().getTemplate().getContainers(0).getImage();
    }

    /**
     * A migration job.
     *
     * @param maxRetries null leaves the field unset (Cloud Run's default applies)
     */
    public void addJob(String project, String region, String job, String image, Integer maxRetries) {
        String name = jobName(project, region, job);
        TaskTemplate.Builder task = TaskTemplate.newBuilder().addContainers(Container.newBuilder().setImage(image));
        if (maxRetries != null) {
            task.setMaxRetries(maxRetries);
        }
        jobs.put(name, Job.newBuilder().setName(name)
                .setTemplate(ExecutionTemplate.newBuilder().setTaskCount(1).setTemplate(task)).build());
    }

    public Job job(String name) {
        return jobs.get(name);
    }

    public void outcome(String jobName, ExecutionOutcome outcome) {
        outcomes.put(jobName, outcome);
    }

    /** Executions run this long (real time) before they end; zero: as soon as polled {@code executionPolls} times. */
    public void executionLatency(java.time.Duration value) {
        executionLatency = value;
    }

    public void executionPolls(int polls) {
        executionPolls = polls;
    }

    /** Every execution started. */
    public List<Execution> executions() {
        return List.copyOf(executions.values());
    }

    public List<BindableService> bindables() {
        return List.of(new Services(), new Revisions(), new Jobs(), new Executions());
    }

    private static <T> void answer(StreamObserver<T> response, T value, String name) {
        if (value == null) {
            response.onError(Status.NOT_FOUND.withDescription("Resource '" + name + "' was not found").asRuntimeException());
            return;
        }
        response.onNext(value);
        response.onCompleted();
    }

    /**
     * A tag's URL as Cloud Run gives it: {@code https://<tag>---<service host>}; for a loopback URL with the service as
     * its path (the world's), the tag goes before that path's last segment: {@code http://127.0.0.1:<port>/<tag>---<service>}.
     */
    public static String tagUri(String serviceUri, String tag) {
        int slash = serviceUri.indexOf('/', serviceUri.indexOf("//") + 2);
        if (slash < 0 || slash == serviceUri.length() - 1) {
            return serviceUri.replaceFirst("^(https?://)", "$1" + tag + "---");
        }
        int last = serviceUri.lastIndexOf('/');
        return serviceUri.substring(0, last + 1) + tag + "---" + serviceUri.substring(last + 1);
    }

    /** The revision a tag names on a service; null when no traffic target has that tag. */
    public String taggedRevision(String serviceName, String tag) {
        return services.get(serviceName).getTrafficList().stream().filter(t -> t.getTag().equals(tag)).map(TrafficTarget::getRevision)
                .findFirst().orElse(null);
    }

    /** What Cloud Run reports of the traffic it serves: each target, and a URL for each tag. */
    private static Service withStatuses(Service service) {
        Service.Builder b = service.toBuilder().clearTrafficStatuses();
        for (TrafficTarget t : service.getTrafficList()) {
            TrafficTargetStatus.Builder status = TrafficTargetStatus.newBuilder()
                    .setType(t.getType()).setRevision(t.getRevision()).setPercent(t.getPercent()).setTag(t.getTag());
            if (!t.getTag().isEmpty()) {
                status.setUri(tagUri(service.getUri(), t.getTag()));
            }
            b.addTrafficStatuses(status);
        }
        return b.build();
    }

    private final class Services extends ServicesGrpc.ServicesImplBase {
        @Override
        public void getService(GetServiceRequest request, StreamObserver<Service> response) {
            answer(response, services.get(request.getName()), request.getName());
        }

        @Override
        public void updateService(UpdateServiceRequest request, StreamObserver<Operation> response) {
            String name = request.getService().getName();
            if (!services.containsKey(name)) {
                answer(response, null, name);
                return;
            }
            Service updated = withStatuses(request.getService());
            services.put(name, updated);
            response.onNext(operations.track(name, () -> FakeOperations.done(updated, updated)));
            response.onCompleted();
        }
    }

    private final class Revisions extends RevisionsGrpc.RevisionsImplBase {
        @Override
        public void getRevision(GetRevisionRequest request, StreamObserver<Revision> response) {
            answer(response, revisions.get(request.getName()), request.getName());
        }

        @Override
        public void listRevisions(ListRevisionsRequest request, StreamObserver<ListRevisionsResponse> response) {
            if (!services.containsKey(request.getParent())) {
                answer(response, null, request.getParent());
                return;
            }
            List<Revision> found = new ArrayList<>();
            for (Revision r : revisions.values()) {
                if (r.getService().equals(request.getParent())) {
                    found.add(r);
                }
            }
            // Newest first, as Cloud Run lists them.
            found.sort(java.util.Comparator.comparingLong((Revision r) -> r.getCreateTime().getSeconds())
                    .thenComparingInt(r -> r.getCreateTime().getNanos()).thenComparing(Revision::getName).reversed());
            answer(response, ListRevisionsResponse.newBuilder().addAllRevisions(found).build(), request.getParent());
        }
    }

    private final class Jobs extends JobsGrpc.JobsImplBase {
        @Override
        public void getJob(GetJobRequest request, StreamObserver<Job> response) {
            answer(response, jobs.get(request.getName()), request.getName());
        }

        @Override
        public void updateJob(UpdateJobRequest request, StreamObserver<Operation> response) {
            String name = request.getJob().getName();
            if (!jobs.containsKey(name)) {
                answer(response, null, name);
                return;
            }
            Job updated = request.getJob();
            jobs.put(name, updated);
            response.onNext(operations.track(name, () -> FakeOperations.done(updated, updated)));
            response.onCompleted();
        }

        @Override
        public void runJob(RunJobRequest request, StreamObserver<Operation> response) {
            Job job = jobs.get(request.getName());
            if (job == null) {
                answer(response, null, request.getName());
                return;
            }
            String id = job.getName().substring(job.getName().lastIndexOf('/') + 1) + "-x" + executionIds.incrementAndGet();
            String name = job.getName() + "/executions/" + id;
            Execution running = Execution.newBuilder()
                    .setName(name)
                    .setJob(job.getName())
                    .setTaskCount(1)
                    .setRunningCount(1)
                    .setLogUri("https://console.cloud.google.com/logs/viewer?execution=" + id)
                    .build();
            executions.put(name, running);
            ExecutionOutcome outcome = outcomes.getOrDefault(job.getName(), ExecutionOutcome.SUCCEED);
            AtomicInteger polls = new AtomicInteger();
            long endsAt = System.nanoTime() + executionLatency.toNanos();
            response.onNext(operations.track(job.getName(), () -> progress(name, outcome, polls, endsAt)));
            response.onCompleted();
        }

        private Operation progress(String name, ExecutionOutcome outcome, AtomicInteger polls, long endsAt) {
            Execution current = executions.get(name);
            if (outcome == ExecutionOutcome.HANG || polls.getAndIncrement() < executionPolls || System.nanoTime() < endsAt) {
                return FakeOperations.pending(current);
            }
            Execution.Builder end = current.toBuilder().setRunningCount(0);
            Operation op;
            switch (outcome) {
                case FAIL -> {
                    end.setFailedCount(1).addConditions(Condition.newBuilder().setType("Completed")
                            .setState(Condition.State.CONDITION_FAILED)
                            .setExecutionReason(Condition.ExecutionReason.NON_ZERO_EXIT_CODE)
                            .setMessage("Task " + current.getName().substring(current.getName().lastIndexOf('/') + 1)
                                    + "-task0 failed with exit code 1"));
                    op = FakeOperations.done(end.build(), end.build());
                }
                case CANCEL -> {
                    end.setCancelledCount(1).addConditions(Condition.newBuilder().setType("Completed")
                            .setState(Condition.State.CONDITION_FAILED)
                            .setExecutionReason(Condition.ExecutionReason.CANCELLED)
                            .setMessage("The execution was cancelled"));
                    op = FakeOperations.failed(end.build(), Status.CANCELLED.withDescription("Execution cancelled"));
                }
                default -> {
                    end.setSucceededCount(1).addConditions(Condition.newBuilder().setType("Completed")
                            .setState(Condition.State.CONDITION_SUCCEEDED));
                    op = FakeOperations.done(end.build(), end.build());
                }
            }
            executions.put(name, end.build());
            return op;
        }
    }

    private final class Executions extends ExecutionsGrpc.ExecutionsImplBase {
        @Override
        public void getExecution(GetExecutionRequest request, StreamObserver<Execution> response) {
            answer(response, executions.get(request.getName()), request.getName());
        }
    }
}
