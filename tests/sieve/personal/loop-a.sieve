require "include";
include :personal "loop-b";
