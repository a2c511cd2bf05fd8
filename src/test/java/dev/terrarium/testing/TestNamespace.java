package dev.terrarium.testing;

import io.fabric8.kubernetes.client.KubernetesClient;

/** The namespace a test class owns, with a client and a kubectl bound to it. */
public record TestNamespace(
        String name, KubernetesClient client, Kubectl kubectl, LocalControlPlane plane) {}
