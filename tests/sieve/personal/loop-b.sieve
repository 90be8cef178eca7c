require "include";
include :personal "loop-a";
