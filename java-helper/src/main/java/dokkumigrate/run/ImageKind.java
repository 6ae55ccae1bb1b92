package dokkumigrate.run;

/** How an app image was built, which decides how Dokku runs a deployment task in it. */
public enum ImageKind {
    /** Built from a Dockerfile (or any other image): its ENTRYPOINT, if any, receives the task as arguments. */
    DOCKERFILE,
    /** Built by herokuish: the task runs in a shell after the buildpack profile is sourced. */
    HEROKUISH,
    /** Built by Cloud Native Buildpacks: run through the lifecycle launcher, like herokuish otherwise. */
    CNB
}
