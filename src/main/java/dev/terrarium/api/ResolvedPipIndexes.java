package dev.terrarium.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * The package indexes of a build, from spec.pipIndexes and the options inside its files merged:
 * URLs only, never credentials.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"indexUrl", "extraIndexUrls", "findLinks", "credentialsNamespace"})
public class ResolvedPipIndexes {

    @JsonPropertyDescription("The index that replaces the default one; absent for the default.")
    private String indexUrl;

    @JsonPropertyDescription("Indexes searched besides the main one, in order.")
    private List<String> extraIndexUrls = new ArrayList<>();

    @JsonPropertyDescription("Find-links pages, in order.")
    private List<String> findLinks = new ArrayList<>();

    @JsonPropertyDescription(
            "The namespace whose Secrets give credentials for some of the indexes; absent when none "
                    + "has credentials. Part of the content hash, so that a package from a private "
                    + "index is never reused by another namespace.")
    private String credentialsNamespace;

    public String getIndexUrl() {
        return indexUrl;
    }

    public void setIndexUrl(String indexUrl) {
        this.indexUrl = indexUrl;
    }

    public List<String> getExtraIndexUrls() {
        return extraIndexUrls;
    }

    public void setExtraIndexUrls(List<String> extraIndexUrls) {
        this.extraIndexUrls = extraIndexUrls;
    }

    public List<String> getFindLinks() {
        return findLinks;
    }

    public void setFindLinks(List<String> findLinks) {
        this.findLinks = findLinks;
    }

    public String getCredentialsNamespace() {
        return credentialsNamespace;
    }

    public void setCredentialsNamespace(String credentialsNamespace) {
        this.credentialsNamespace = credentialsNamespace;
    }
}
