module terrarium.dev/hack/node-runtime

go 1.22
