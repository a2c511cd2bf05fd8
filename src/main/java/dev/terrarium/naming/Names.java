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

    public static String buildLock(String imageBuild) {
        return imageBuild + "-lock";
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
