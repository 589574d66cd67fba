package org.lucerna.api;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.lucerna.job.Job;
import org.lucerna.job.JobNotFoundException;
import org.lucerna.job.JobService;

/** A job's document and its images. */
@Path("/jobs/{id}")
public class JobResource {
  /** Seconds a client is asked to wait before polling an unfinished job again. */
  static final String RETRY_AFTER_SECONDS = "1";

  private final JobService jobs;

  public JobResource(JobService jobs) {
    this.jobs = jobs;
  }

  @GET
  @Produces(MediaType.APPLICATION_JSON)
  public Response get(@PathParam("id") String id) {
    Job job = find(id);
    Response.ResponseBuilder r = Response.ok(JobDocument.of(job));
    if (!job.status().isFinal()) {
      r.header("Retry-After", RETRY_AFTER_SECONDS);
    }
    return r.build();
  }

  @GET
  @Path("/image")
  @Produces("image/png")
  public Response image(@PathParam("id") String id) {
    Job job = find(id);
    if (!job.status().isFinal()) {
      throw new ProblemException(Problem.of(409, "not-finished", "The job has not finished",
          "job " + id + " is " + job.status() + "; its image is ready when it is SUCCEEDED"),
          RETRY_AFTER_SECONDS);
    }
    byte[] png = jobs.image(id, "final").orElseThrow(() -> new ProblemException(
        Problem.of(404, "no-image", "The job has no image", "job " + id + " ended " + job.status()
            + " without an image"), null));
    return Response.ok(png, "image/png").build();
  }

  private Job find(String id) {
    return jobs.find(id).orElseThrow(() -> new JobNotFoundException(id));
  }
}
