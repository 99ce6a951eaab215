// The node's identity and settings (src/Node/Configuration) are what every part of the node is
// built from; one import here instead of one in nearly every file.
global using Federation.Node.Configuration;
