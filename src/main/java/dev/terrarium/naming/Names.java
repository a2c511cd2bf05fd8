package dev.terrarium.naming;

import dev.terrarium.api.ImageBuild;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Names of the objects Terrarium creates, kept within Kubernetes' length limits. */
public final class Names {

    /** Longest ImageBuild name, which the build Job takes too; the CRD refuses longer ones. */
    static final int MAX_BUILD_NAME = ImageBuild.MAX_NAME;

    /** A DNS-1123 label's length limit, and a label value's. */
    static final int MAX_LABEL = 63;

    private Names() {}

    /**
     * {@code <environment>-<hash prefix>[-<rebuild token digest>]}, the environment part shortened
     * if needed.
     */
    public static String imageBuild(String environment, String specHash, String rebuildToken) {
        String suffix = specHash.substring(0, 10);
        if (rebuildToken != null && !rebuildToken.isEmpty()) {
            suffix += "-" + sha256Hex(rebuildToken).substring(0, 5);
        }
        return truncate(environment, MAX_BUILD_NAME - suffix.length() - 1) + "-" + suffix;
    }

    public static String buildContext(String imageBuild) {
        return imageBuild + "-context";
    }

    /**
     * The build Job of an ImageBuild in the build namespace, which holds the builds of every tenant
     * namespace: a DNS-1123 label of at most 63 characters, one per (namespace, ImageBuild) pair.
     */
    public static String buildJob(String tenantNamespace, String imageBuild) {
        return inBuildNamespace(tenantNamespace, imageBuild, "");
    }

    /** The build context of an ImageBuild in the build namespace; see {@link #buildJob}. */
    public static String buildContext(String tenantNamespace, String imageBuild) {
        return inBuildNamespace(tenantNamespace, imageBuild, "-context");
    }

    /**
     * The copy of an ImageBuild's push secret in the build namespace, for its build's run; see
     * {@link #buildJob}.
     */
    public static String pushSecretCopy(String tenantNamespace, String imageBuild) {
        return inBuildNamespace(tenantNamespace, imageBuild, "-push");
    }

    /**
     * The Secret of an ImageBuild's credentials (package indexes, channels, git over SSH) in the
     * build namespace, for its build's run; see {@link #buildJob}.
     */
    public static String credentialsSecret(String tenantNamespace, String imageBuild) {
        return inBuildNamespace(tenantNamespace, imageBuild, CREDENTIALS);
    }

    /** The credentials Secret of an ImageBuild built beside it (single-team mode). */
    public static String credentialsSecret(String imageBuild) {
        return truncate(imageBuild, MAX_LABEL - CREDENTIALS.length()) + CREDENTIALS;
    }

    private static final String CREDENTIALS = "-credentials";

    /**
     * {@code <namespace>-<imagebuild>} shortened, then a digest of the pair: names alone would
     * collide ({@code a-b}/{@code c} and {@code a}/{@code b-c}) and do not fit, the digest keeps
     * them apart ('/' is in neither part). Dots become dashes: a Job's name must be a label.
     */
    static String inBuildNamespace(String tenantNamespace, String imageBuild, String suffix) {
        String tail = "-" + sha256Hex(tenantNamespace + "/" + imageBuild).substring(0, 10) + suffix;
        String readable = (tenantNamespace + "-" + imageBuild).replace('.', '-');
        return truncate(readable, MAX_LABEL - tail.length()) + tail;
    }

    public static String buildLock(String imageBuild) {
        return imageBuild + "-lock";
    }

    /** The ConfigMap holding a finished build's log. */
    public static String buildLog(String imageBuild) {
        return imageBuild + "-log";
    }

    public static String environmentLock(String environment) {
        return truncate(environment, 253 - 5) + "-lock";
    }

    public static String builderServiceAccount(String environment) {
        return truncate(environment, 253 - 8) + "-builder";
    }

    /** {@code <workload>-<template hash prefix>}, within the 63 characters of a Job name. */
    public static String workloadJob(String workload, String templateHash) {
        String suffix = templateHash.substring(0, 8);
        return truncate(workload, MAX_BUILD_NAME - suffix.length() - 1) + "-" + suffix;
    }

    /**
     * An Event's name: the object's, cut so that the unique suffix still fits in 253 characters.
     */
    public static String event(String object, String unique) {
        return truncate(object, 253 - unique.length() - 1) + "." + unique;
    }

    /** Cuts a DNS-1123 name to at most max characters without leaving a trailing dash. */
    static String truncate(String name, int max) {
        if (name.length() <= max) {
            return name;
        }
        String cut = name.substring(0, max);
        while (cut.endsWith("-") || cut.endsWith(".")) {
            cut = cut.substring(0, cut.length() - 1);
        }
        return cut;
    }

    public static String sha256Hex(String text) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
