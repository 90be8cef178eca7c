# msg: plain.eml
require "include";
include :global "lists";
