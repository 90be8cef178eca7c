require "include";
if true { return; }
discard;
